"""Load the 2023 统计用区划代码 (Shanghai and Wuxi down to 乡镇/街道) in place of the hand-written list.

Databases created before this carry six hand-written 江阴市 streets, three of them with codes the
official list gives to no street; those three are removed where nothing refers to them.
"""

from django.db import migrations

OLD_CODES_NOT_IN_2023 = ("320281002", "320281003", "320281101")


def load(apps, schema_editor):
    from weijian.core.reference import sync_regions

    region_model = apps.get_model("core", "Region")
    sync_regions(region_model)
    relations = [r for r in region_model._meta.related_objects if r.field.many_to_one]
    for region in region_model.objects.filter(code__in=OLD_CODES_NOT_IN_2023):
        used = any(r.related_model._default_manager.filter(**{r.field.name: region}).exists() for r in relations)
        if not used:
            region.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
