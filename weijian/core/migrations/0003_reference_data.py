from django.db import migrations


def load(apps, schema_editor):
    from weijian.core.reference import sync_departments, sync_regions

    sync_regions(apps.get_model("core", "Region"))
    sync_departments(apps.get_model("core", "Department"), apps.get_model("core", "DepartmentDuty"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_profile")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
