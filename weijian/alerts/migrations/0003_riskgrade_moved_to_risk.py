"""The analytics risk grades now live in ``risk.AnalyticsScore`` (copied by risk 0002); drop the old table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0002_work_items"),
        ("risk", "0002_copy_alert_grades"),
    ]

    operations = [
        migrations.DeleteModel(
            name="RiskGrade",
        ),
    ]
