from django.db import migrations


def load(apps, schema_editor):
    from weijian.registry.reference import sync_dept_codes

    sync_dept_codes(apps.get_model("registry", "DeptCode"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
