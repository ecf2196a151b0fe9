"""The tamper-evident audit log: append an event in the caller's transaction, seal it into the chain, verify.

Every state-changing service calls :func:`audit_record` inside its own ``transaction.atomic`` block, so the
event and the change commit or roll back together. Writing an event takes no lock: the row is inserted
*pending* (no ``seq``, no MAC), so a hundred complaints a second never queue behind one another.
:func:`audit_seal` links the pending events into the keyed chain (:mod:`weijian.core.audit_chain`: each
event's HMAC under a key kept outside the database, over the event and the previous MAC) in the order they
committed: it holds the
single :class:`AuditHead` row (``select_for_update``) only for its own short transaction, which keeps ``seq``
gap-free. It runs right after each writing transaction commits (``transaction.on_commit``; a sealer already
at work is not waited for — it takes the newcomers on its next round), from ``weijian audit seal`` (the worker
or cron, for anything left over) and before every verification. Between commit and seal an event is
stored but not yet chained; ``weijian audit verify`` seals first, so it always checks every event.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from weijian.core import audit_sealer
from weijian.core.audit_anchor import Anchor
from weijian.core.audit_chain import GENESIS, Chain, ChainBreak, VerifyResult, canonical
from weijian.core.models import AuditEvent, AuditHead

__all__ = [
    "GENESIS",
    "ChainBreak",
    "VerifyResult",
    "action_label",
    "audit_anchor",
    "audit_pending",
    "audit_record",
    "audit_seal",
    "audit_verify",
]
CHAIN = Chain("audit", AuditEvent, AuditHead)

# Every action code the code base writes, in words (the audit log's 操作 column and filter). A test reads every
# ``audit_record(...)`` call and fails on a code without a label here; the back office's own saves and deletes
# (``admin.<app>.<model>.add|change|delete``, weijian.core.records) are named from the model (ADMIN_OPERATIONS).
ACTION_LABELS: dict[str, Any] = {
    "core.audit.export": _("导出审计日志"),
    "core.audit.checkpoint": _("审计链启用密钥（封存此前的事件）"),
    "core.audit.prune": _("删除已归档的过期审计事件"),
    "core.audit.rotate_key": _("更换审计密钥"),
    "core.backup.restore": _("从备份恢复"),
    "core.demo_accounts.setup": _("建立演示账号"),
    "core.auth.login": _("登录"),
    "core.auth.logout": _("退出登录"),
    "core.auth.login_failed": _("登录失败"),
    "core.auth.locked_out": _("登录失败次数过多，已锁定"),
    "core.session.expired": _("会话超时，自动退出"),
    "core.session.end_all": _("在所有设备上退出登录"),
    "core.password.change": _("修改密码"),
    "core.otp.enrol": _("开始绑定双因素认证"),
    "core.otp.confirm": _("确认绑定双因素认证"),
    "core.otp.verify": _("双因素认证通过"),
    "core.otp.verify_failed": _("双因素认证失败"),
    "core.otp.recovery_used": _("使用恢复码登录"),
    "core.otp.reset": _("重置双因素认证"),
    "admin.auth.user.password": _("重置账号密码"),
    "registry.export": _("导出名录"),
    "registry.import.rejects_export": _("导出未导入的行"),
    "documents.document.download": _("下载执法文书"),
    "inspections.draw.export": _("下载抽取记录"),
    "registry.import.regions": _("导入行政区划"),
    "registry.import.institutions": _("导入被监督单位"),
    "registry.import.institution_depts": _("导入诊疗科目"),
    "registry.import.practitioners": _("导入执业人员"),
    "registry.import.practitioner_scopes": _("导入执业范围"),
    "registry.import.registrations": _("导入执业注册"),
    "registry.import.inspectors": _("导入执法人员"),
    "registry.import.inspector_conflicts": _("导入执法人员申报回避"),
    "inspections.plan.create": _("新建随机抽查计划"),
    "inspections.plan.update": _("修改随机抽查计划"),
    "inspections.plan.grade_override": _("调整抽查对象风险等级"),
    "inspections.plan.dispatch": _("派发检查任务"),
    "inspections.draw.commit": _("公布抽取承诺"),
    "inspections.draw.run": _("随机抽取对象和检查人员"),
    "inspections.inspection.create": _("新建现场检查"),
    "inspections.inspection.member_add": _("增加检查人员"),
    "inspections.inspection.finding": _("记录检查发现"),
    "inspections.inspection.attachment": _("上传检查附件"),
    "inspections.inspection.submit": _("提交检查结果"),
    "inspections.inspection.confirm": _("检查人员确认"),
    "inspections.inspection.close": _("检查办结"),
    "inspections.inspection.publish": _("公示检查结果"),
    "clues.clue.create": _("登记案源线索"),
    "complaints.complaint.file": _("收到投诉举报"),
    "complaints.complaint.accept": _("受理投诉举报"),
    "complaints.complaint.not_accept": _("不予受理投诉举报"),
    "complaints.complaint.reply": _("答复投诉"),
    "complaints.complaint.close": _("投诉举报办结"),
    "complaints.complaint.to_clue": _("投诉举报转为案源线索"),
    "complaints.complaint.duplicate": _("标记重复投诉"),
    "complaints.complaint.route": _("分派投诉举报"),
    "complaints.complaint.extend": _("延长投诉答复期限"),
    "complaints.apikey.create": _("新建接口密钥"),
    "complaints.apikey.disable": _("停用接口密钥"),
    "complaints.apikey.revoke": _("吊销接口密钥"),
    "complaints.apikey.use": _("接口密钥使用情况（每小时一条）"),
    "clues.clue.status": _("变更线索状态"),
    "cases.case.register": _("立案"),
    "cases.case.party": _("增加案件当事人"),
    "cases.case.handlers": _("变更承办人"),
    "cases.case.team": _("加入联合调查组"),
    "cases.case.evidence": _("上传案件证据"),
    "cases.case.investigate": _("开始调查取证"),
    "cases.case.notify": _("行政处罚事先告知"),
    "cases.case.request_hearing": _("当事人申请听证"),
    "cases.case.schedule_hearing": _("确定听证日期"),
    "cases.case.hold_hearing": _("举行听证"),
    "cases.case.legal_review": _("法制审核"),
    "cases.case.discuss": _("负责人集体讨论"),
    "cases.case.extend": _("批准延期作出决定"),
    "cases.case.decide": _("作出行政处罚决定"),
    "cases.case.serve": _("送达处罚决定书"),
    "cases.case.pay": _("登记缴纳罚款"),
    "cases.case.enforce": _("申请强制执行"),
    "cases.case.close": _("结案"),
    "cases.case.withdraw": _("撤销立案"),
    "cases.case.overturn": _("登记处罚决定被撤销或变更"),
    "cases.case.refer": _("线索移送其他部门"),
    "cases.case.transfer_out": _("移送管辖"),
    "cases.case.transfer_crime": _("涉嫌犯罪移送公安机关"),
    "cases.case.crime_returned": _("公安机关不予立案或退回，恢复办理"),
    "cases.case.procuratorate": _("提请检察机关立案监督"),
    "cases.case.supervise": _("督办"),
    "cases.case.supervision_report": _("报告督办办理情况"),
    "cases.case.supervision_lift": _("解除督办"),
    "cases.transfer.receive": _("签收移送"),
    "cases.transfer.accept": _("受理移送"),
    "cases.transfer.refuse": _("不予受理移送"),
    "cases.transfer.answer": _("反馈移送处理结果"),
    "alerts.run.load": _("载入分析结果"),
    "alerts.item.created": _("生成预警工作项"),
    "alerts.item.lines_added": _("追加预警明细"),
    "alerts.item.dismissed": _("排除预警"),
    "alerts.item.clue": _("预警转为案源线索"),
    "alerts.item.inspection": _("预警转定向检查"),
    "alerts.item.assign": _("指派预警工作项"),
    "alerts.item.route": _("分派预警工作项"),
    "alerts.item.outcome": _("登记查处结果"),
    "alerts.item.inspection_pending": _("定向检查待派发（单位或检查事项不明）"),
    "alerts.export": _("导出预警工作项"),
    "alerts.item.lines_export": _("导出预警明细"),
    "risk.analytics_scores.load": _("载入风险分"),
    "portal.disclosure.publish": _("公示行政决定"),
    "portal.disclosure.withdraw": _("撤下公示（决定被变更或撤销）"),
    "portal.disclosures.expire": _("撤下期满的公示"),
    "portal.disclosure.remove_early": _("提前移除公示（信用修复）"),
    "credit.record.ingest": _("汇集信用记录"),
    "credit.licence_check.record": _("登记医疗机构校验"),
    "credit.points.record": _("不良执业行为记分"),
    "credit.notice.send": _("送达记分通知书"),
    "credit.objection.file": _("提出记分申辩"),
    "credit.objection.decide": _("对记分申辩作出决定"),
    "credit.insurance_points.record": _("医保支付资格记分"),
    "credit.grade.recompute": _("评定信用等级"),
    "credit.list.propose": _("告知拟列入信用名单"),
    "credit.list.defend": _("对列入信用名单陈述申辩"),
    "credit.list.decide": _("作出信用名单列入决定"),
    "credit.list.exit": _("移出信用名单"),
    "credit.list.task_done": _("落实联合惩戒措施"),
    "credit.repair.file": _("提出信用修复申请"),
    "credit.repair.decide": _("对信用修复申请作出决定"),
    "credit.cross_region.flag": _("标记异地两次处罚"),
    "credit.cross_region.dispose": _("审查异地两次处罚"),
    "documents.document.issue": _("签发执法文书"),
    "documents.document.void": _("作废执法文书"),
}
ADMIN_OPERATIONS: dict[str, Any] = {"add": _("后台新增：%(model)s"), "change": _("后台修改：%(model)s"),
                                    "delete": _("后台删除：%(model)s")}  # fmt: skip


def _admin_label(action: str) -> str | None:
    """``admin.registry.institution.change`` → 后台修改：医疗机构 (None when the code is not of that form)."""
    prefix, _dot, rest = action.partition(".")
    label, _dot, operation = rest.rpartition(".")
    if prefix != "admin" or operation not in ADMIN_OPERATIONS or label.count(".") != 1:
        return None
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return str(ADMIN_OPERATIONS[operation]) % {"model": model._meta.verbose_name}


def action_label(action: str) -> str | None:
    """An action code in words, or None when the table does not know it."""
    known = ACTION_LABELS.get(action)
    return str(known) if known is not None else _admin_label(action)


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", "") or str(actor)


def audit_record(
    *, actor: Any, action: str, object_type: str = "", object_id: Any = "", data: dict[str, Any] | None = None
) -> AuditEvent:
    """Store one event (pending) in the caller's transaction; it is sealed into the chain once that commits."""
    event = AuditEvent.objects.create(
        at=timezone.now(), actor=_actor_name(actor), action=action, object_type=object_type,
        object_id=str(object_id), data=json.loads(canonical(data or {})),
    )  # fmt: skip
    connection = transaction.get_connection()
    if not any(entry[1] is _seal_after_commit for entry in connection.run_on_commit):  # once per transaction
        transaction.on_commit(_seal_after_commit, robust=True)
    return event


SEAL_ROUNDS = 4


def _seal_after_commit() -> None:
    background = audit_sealer.active()
    if background is not None:  # a server process: its sealer thread takes them, off the request's time
        background.poke()
        return
    for _round in range(SEAL_ROUNDS):
        if not audit_seal(wait=False):
            return


def audit_seal(*, wait: bool = True) -> int:
    """Link the pending events into the keyed chain (oldest first); returns how many were sealed.

    ``wait=False``: give up at once when another sealer holds the chain's head (it will take these too).
    """
    return CHAIN.seal(wait=wait)


def audit_pending() -> int:
    """Events stored but not yet sealed into the chain."""
    return CHAIN.pending()


def audit_anchor() -> Anchor | None:
    """Seal, then append the chain's head to the anchor file outside the database (None when empty)."""
    return CHAIN.anchor()


def audit_verify() -> VerifyResult:
    """Seal what is pending, then check every event's MAC, the links, the keys and the anchors."""
    return CHAIN.verify()
