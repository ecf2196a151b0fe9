"""Work items: one per rule × institution × analysed period, with the alerts attached to them as lines.

An existing database keeps its alerts and their disposals: the alerts are grouped into items (the
department and district they were routed to, the earliest deadline, the latest disposal of a line if
none is left open), then the disposal fields leave the lines.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def group_existing_alerts(apps, schema_editor):
    """Attach every existing alert to the work item of its rule × institution × period."""
    from collections import defaultdict

    from django.utils import timezone

    from weijian.alerts import grouping

    Alert = apps.get_model("alerts", "Alert")
    WorkItem = apps.get_model("alerts", "WorkItem")
    Department = apps.get_model("core", "Department")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    if not Alert.objects.exists():
        return
    users = dict(User.objects.values_list("username", "pk"))
    departments = dict(Department.objects.values_list("pk", "code"))
    groups = defaultdict(list)
    for line in Alert.objects.order_by("pk").iterator(chunk_size=2000):
        key = (line.rule_id, line.institution_code or f"subject:{line.subject_id}"[:130], line.period_start,
               line.period_end)
        groups[key].append(line)
    now = timezone.now().isoformat()
    for (rule_id, group_key, start, end), lines in groups.items():
        first = lines[0]
        for line in lines:
            line.fact_date = grouping.fact_date(line.subject_type, line.subject_id, line.evidence or {})
            line.amount = grouping.amount(line.evidence or {})
        still_open = any(line.status == "open" for line in lines)
        disposed = sorted((line for line in lines if line.status != "open"),
                          key=lambda line: (line.disposed_at is not None, line.disposed_at or timezone.now()))
        last = disposed[-1] if disposed and not still_open else None
        dues = [line.due_date for line in lines if line.due_date]
        dates = [line.fact_date for line in lines if line.fact_date]
        amounts = [line.amount for line in lines if line.amount is not None]
        item = WorkItem.objects.create(
            rule_id=rule_id, rule_name=first.rule_name, severity=first.severity, group_key=group_key,
            institution_id=next((line.institution_id for line in lines if line.institution_id), None),
            institution_code=first.institution_code, region_id=first.district_id, department_id=first.department_id,
            period_start=start, period_end=end, first_run_id=min(line.run_id for line in lines),
            line_count=len(lines), amount=sum(amounts) if amounts else None,
            first_date=min(dates) if dates else None, last_date=max(dates) if dates else None,
            status=last.status if last else "open", queued_at=min(line.created_at for line in lines),
            deadline=min(dues) if dues else None, deadline_note=first.due_note,
            disposed_at=last.disposed_at if last else None,
            disposed_by_id=users.get(last.disposed_by) if last else None,
            disposition_reason=last.disposition_reason if last else "",
            routing={"source": "migrated", "department": departments.get(first.department_id), "at": now},
        )
        for line in lines:
            line.item_id = item.pk
        Alert.objects.bulk_update(lines, ["item", "fact_date", "amount"], batch_size=1000)

class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('core', '0003_reference_data'),
        ('registry', '0004_trigram_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rule_id', models.CharField(db_index=True, max_length=60, verbose_name='规则')),
                ('rule_name', models.CharField(max_length=100, verbose_name='规则名称')),
                ('severity', models.CharField(choices=[('high', '高'), ('medium', '中'), ('low', '低')], max_length=10, verbose_name='严重程度')),
                ('group_key', models.CharField(max_length=130)),
                ('institution_code', models.CharField(blank=True, max_length=18, verbose_name='机构代码')),
                ('period_start', models.DateField(verbose_name='分析期起')),
                ('period_end', models.DateField(verbose_name='分析期止')),
                ('line_count', models.PositiveIntegerField(default=0, verbose_name='预警条数')),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='涉及金额（元）')),
                ('first_date', models.DateField(blank=True, null=True, verbose_name='最早日期')),
                ('last_date', models.DateField(blank=True, null=True, verbose_name='最晚日期')),
                ('status', models.CharField(choices=[('open', '待处置'), ('dismissed', '已排除'), ('clue', '转为案源线索'), ('inspection', '转定向检查')], default='open', max_length=12, verbose_name='状态')),
                ('queued_at', models.DateTimeField(blank=True, null=True, verbose_name='进入队列')),
                ('deadline', models.DateField(blank=True, null=True, verbose_name='处置期限')),
                ('deadline_note', models.CharField(blank=True, max_length=200)),
                ('assigned_at', models.DateTimeField(blank=True, null=True)),
                ('due_date', models.DateField(blank=True, null=True, verbose_name='承办期限')),
                ('disposed_at', models.DateTimeField(blank=True, null=True)),
                ('disposition_reason', models.TextField(blank=True, verbose_name='处置说明')),
                ('outcome', models.CharField(blank=True, choices=[('confirmed', '查实'), ('unfounded', '未查实')], max_length=12, verbose_name='查处结果')),
                ('outcome_note', models.TextField(blank=True, verbose_name='结果说明')),
                ('outcome_at', models.DateTimeField(blank=True, null=True)),
                ('routing', models.JSONField(default=dict, help_text='how the item reached its queue, with the rules it used')),
                ('routing_history', models.JSONField(default=list, help_text='earlier routings, oldest first')),
                ('rules', models.JSONField(default=dict, help_text="rules used: deadline entry, the analytics rule's parameters")),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': '预警工作项',
                'verbose_name_plural': '预警工作项',
                'ordering': ['deadline', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='workitem',
            name='assigned_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='workitem',
            name='assignee',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_items', to=settings.AUTH_USER_MODEL, verbose_name='承办人'),
        ),
        migrations.AddField(
            model_name='workitem',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work_items', to='core.department', verbose_name='责任部门'),
        ),
        migrations.AddField(
            model_name='workitem',
            name='disposed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='处置人'),
        ),
        migrations.AddField(
            model_name='workitem',
            name='first_run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='work_items', to='alerts.analyticsrun'),
        ),
        migrations.AddField(
            model_name='workitem',
            name='institution',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='work_items', to='registry.institution', verbose_name='机构'),
        ),
        migrations.AddField(
            model_name='workitem',
            name='outcome_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='workitem',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work_items', to='core.region', verbose_name='所属区域'),
        ),
        migrations.AddIndex(
            model_name='workitem',
            index=models.Index(fields=['department', 'region', 'status'], name='alerts_work_departm_068584_idx'),
        ),
        migrations.AddIndex(
            model_name='workitem',
            index=models.Index(fields=['assignee', 'status'], name='alerts_work_assigne_b4b063_idx'),
        ),
        migrations.AddConstraint(
            model_name='workitem',
            constraint=models.UniqueConstraint(fields=('rule_id', 'group_key', 'period_start', 'period_end'), name='uniq_work_item'),
        ),
        migrations.AddField(
            model_name='alert',
            name='amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='金额（元）'),
        ),
        migrations.AddField(
            model_name='alert',
            name='fact_date',
            field=models.DateField(blank=True, null=True, verbose_name='日期'),
        ),
        migrations.AddField(
            model_name='alert',
            name='item',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='alerts.workitem'),
        ),
        migrations.RunPython(group_existing_alerts, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='alert',
            name='alerts_aler_departm_3b8084_idx',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='department',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='disposed_at',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='disposed_by',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='disposition_reason',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='district',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='due_date',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='due_note',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='rule_name',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='status',
        ),
        migrations.AlterModelOptions(
            name='alert',
            options={'ordering': ['fact_date', 'subject_id'], 'verbose_name': '预警明细', 'verbose_name_plural': '预警明细'},
        ),
        migrations.AlterField(
            model_name='alert',
            name='item',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='alerts.workitem'),
        ),
    ]
