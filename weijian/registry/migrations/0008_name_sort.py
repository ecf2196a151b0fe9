"""A pinyin sort key for names (institutions, practitioners, inspectors), filled here for the stored rows and
on every save and import afterwards (see ``weijian.core.pinyin``)."""

from django.db import migrations, models

from weijian.core.pinyin import sort_key

MODELS = (("Institution", False, 600), ("Practitioner", True, 200), ("Inspector", True, 200))


def fill(apps, schema_editor):
    for name, person, length in MODELS:
        model = apps.get_model("registry", name)
        batch = []
        for obj in model.objects.only("pk", "name").iterator(chunk_size=2000):
            obj.name_sort = sort_key(obj.name, person=person, max_length=length)
            batch.append(obj)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["name_sort"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["name_sort"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_administrator_roles'),
        ('registry', '0007_import_rejects'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspector',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=200, verbose_name='姓名拼音'),
        ),
        migrations.AddField(
            model_name='institution',
            name='name_sort',
            field=models.CharField(default='', editable=False, max_length=600, verbose_name='名称拼音'),
        ),
        migrations.AddField(
            model_name='practitioner',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=200, verbose_name='姓名拼音'),
        ),
        migrations.AddIndex(
            model_name='institution',
            index=models.Index(fields=['name_sort', 'id'], name='registry_inst_name_sort'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
