"""Keep an existing database's grades: copy ``alerts.RiskGrade`` rows into ``risk.AnalyticsScore``."""

from django.db import migrations


def copy_grades(apps, schema_editor):
    RiskGrade = apps.get_model("alerts", "RiskGrade")
    AnalyticsScore = apps.get_model("risk", "AnalyticsScore")
    AnalyticsScore.objects.bulk_create(
        [
            AnalyticsScore(institution_id=g.institution_id, run_id=g.run_id, period_end=g.period_end, score=g.score,
                           grade=g.grade, reasons=g.reasons)
            for g in RiskGrade.objects.order_by("pk").iterator(chunk_size=2000)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0002_work_items"),
        ("risk", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_grades, migrations.RunPython.noop),
    ]
