"""Rejected rows of an import get a table of their own (one row each) instead of one JSON list on the batch."""

import django.db.models.deletion
from django.db import migrations, models


def rejects_to_rows(apps, schema_editor):
    ImportBatch = apps.get_model("registry", "ImportBatch")
    ImportReject = apps.get_model("registry", "ImportReject")
    for batch in ImportBatch.objects.exclude(rejected=0).iterator(chunk_size=100):
        ImportReject.objects.bulk_create(
            [
                ImportReject(batch_id=batch.pk, row=r.get("row") or 0, column=str(r.get("column", ""))[:100],
                             value=str(r.get("value", "")), reason=str(r.get("reason", "")))
                for r in batch.rejects or []
            ],
            batch_size=2000,
        )


def rows_to_rejects(apps, schema_editor):
    ImportBatch = apps.get_model("registry", "ImportBatch")
    ImportReject = apps.get_model("registry", "ImportReject")
    for batch in ImportBatch.objects.exclude(rejected=0).iterator(chunk_size=100):
        batch.rejects = [
            {"row": r.row, "column": r.column, "value": r.value, "reason": r.reason}
            for r in ImportReject.objects.filter(batch_id=batch.pk).order_by("row", "pk")
        ]
        batch.save(update_fields=["rejects"])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_cert_no_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportReject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('row', models.PositiveIntegerField(verbose_name='行号')),
                ('column', models.CharField(max_length=100, verbose_name='列')),
                ('value', models.TextField(blank=True, verbose_name='值')),
                ('reason', models.TextField(verbose_name='原因')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reject_rows', to='registry.importbatch')),
            ],
            options={
                'verbose_name': '未导入的行',
                'verbose_name_plural': '未导入的行',
                'ordering': ['batch', 'row', 'pk'],
                'indexes': [models.Index(fields=['batch', 'row'], name='registry_reject_batch_row')],
            },
        ),
        migrations.RunPython(rejects_to_rows, rows_to_rejects),
        migrations.RemoveField(
            model_name='importbatch',
            name='rejects',
        ),
    ]
