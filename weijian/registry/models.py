"""主体库: institutions and their licensed departments, practitioners, registrations, inspectors.

Natural keys (used by imports and the API): institution → 统一社会信用代码; practitioner →
执业证书编码; inspector → 执法证号; a licensed department → (institution, code, valid from); a
registration → (practitioner, institution, valid from).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.pinyin import sort_key
from weijian.core.scope import ScopeRule
from weijian.core.text import search_key
from weijian.registry import kinds
from weijian.registry.fields import field_names, split_codes, validate_field_codes


def search_text_of(model: type[models.Model], values: dict[str, object]) -> str:
    """The stored search key of a record: its model's ``SEARCH_FIELDS``, normalised (see ``core.text``)."""
    return search_key(*(str(values.get(f) or "") for f in model.SEARCH_FIELDS))  # type: ignore[attr-defined]


def name_sort_of(model: type[models.Model], name: object) -> str:
    """The stored pinyin sort key of a record's name (see ``core.pinyin``); people's names read as surnames."""
    field = model._meta.get_field("name_sort")
    return sort_key(str(name or ""), person=getattr(model, "PERSON_NAMES", False), max_length=field.max_length or 200)


def derived_of(model: type[models.Model], values: dict[str, object]) -> dict[str, str]:
    """The stored derived fields of a record (search key, pinyin sort key), for paths that bypass ``save()``."""
    return {"search_text": search_text_of(model, values), "name_sort": name_sort_of(model, values.get("name"))}


class Searchable:
    """Records with a stored search key and pinyin sort key keep them in step with their fields on every save
    path: ``save()`` refreshes them, and the importer's bulk writes take them from :func:`derived_of`."""

    SEARCH_FIELDS: tuple[str, ...] = ()
    PERSON_NAMES = False

    def refresh_derived(self) -> None:
        for name, value in derived_of(type(self), vars(self)).items():  # type: ignore[arg-type]
            setattr(self, name, value)

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)  # type: ignore[misc]


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", _("医院")
    SPECIALIST_HOSPITAL = "specialist_hospital", _("专科医院")
    COMMUNITY_HEALTH_CENTER = "community_health_center", _("社区卫生服务中心")
    CLINIC = "clinic", _("诊所/门诊部")
    AESTHETIC_CLINIC = "aesthetic_clinic", _("医疗美容机构")
    OTHER = "other", _("其他")
    HOTEL = "hotel", _("住宿场所（宾馆、旅店）")
    BATH = "bath", _("沐浴场所")
    SWIMMING_POOL = "swimming_pool", _("游泳场所")
    BEAUTY_SALON = "beauty_salon", _("美容美发场所")
    WATER_SUPPLIER = "water_supplier", _("生活饮用水供水单位")
    SCHOOL = "school", _("学校")
    DISINFECTION_MAKER = "disinfection_maker", _("消毒产品生产企业")
    RADIOLOGICAL_EMPLOYER = "radiological_employer", _("放射工作单位")
    OCCUPATIONAL_EMPLOYER = "occupational_employer", _("存在职业病危害的用人单位")


class Sector(models.TextChoices):
    """监督专业: which part of health supervision a kind of supervised unit belongs to (``data/institution_kinds.yaml``)."""

    MEDICAL = "medical", _("医疗机构")
    PUBLIC_PLACE = "public_place", _("公共场所")
    WATER = "water", _("生活饮用水")
    SCHOOL = "school", _("学校卫生")
    DISINFECTION = "disinfection", _("消毒产品")
    RADIATION = "radiation", _("放射卫生")
    OCCUPATIONAL = "occupational", _("职业卫生")


class LicenceKind(models.TextChoices):
    """The document a kind of supervised unit holds (``data/institution_kinds.yaml``)."""

    PRACTICE = "practice", _("执业许可证")
    HYGIENE = "hygiene", _("卫生许可证")
    FILING = "filing", _("备案")
    NONE = "none", _("无")


class InstitutionLevel(models.TextChoices):
    III = "III", _("三级")
    II = "II", _("二级")
    I = "I", _("一级")  # noqa: E741
    NONE = "none", _("未定级")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("正常执业")
    SUSPENDED = "suspended", _("停业")
    REVOKED = "revoked", _("吊销")
    CLOSED = "closed", _("注销")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公立")
    PRIVATE = "private", _("社会办")


class ProfitStatus(models.TextChoices):
    NONPROFIT = "nonprofit", _("非营利")
    FORPROFIT = "forprofit", _("营利")


class WastewaterClass(models.TextChoices):
    INFECTIOUS = "infectious", _("传染病医疗机构")
    GENERAL_DIRECT = "general_direct", _("综合医疗机构（直排）")
    GENERAL_SEWER = "general_sewer", _("综合医疗机构（排入管网）")


LICENCE_NUMBER_LABELS = {
    LicenceKind.PRACTICE: _("执业许可证登记号"), LicenceKind.HYGIENE: _("卫生许可证号"), LicenceKind.FILING: _("备案号"),
    LicenceKind.NONE: _("许可证号"),
}  # fmt: skip


class DeptCode(models.Model):
    """A 诊疗科目 of the 医疗机构诊疗科目名录: ``03`` 内科, ``03.01`` 呼吸内科专业 …"""

    code = models.CharField(_("科目代码"), max_length=10, unique=True)
    name = models.CharField(_("科目名称"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("诊疗科目")
        verbose_name_plural = _("诊疗科目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Institution(Searchable, models.Model):
    SEARCH_FIELDS = ("name", "address", "uscc")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类别"), max_length=30, choices=InstitutionKind.choices)
    level = models.CharField(_("级别"), max_length=5, choices=InstitutionLevel.choices, default=InstitutionLevel.NONE)
    ownership = models.CharField(_("举办性质"), max_length=10, choices=Ownership.choices, default=Ownership.PRIVATE)
    profit = models.CharField(_("经营性质"), max_length=10, choices=ProfitStatus.choices, default=ProfitStatus.FORPROFIT)
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("所在区"))
    street = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="street_institutions", verbose_name=_("街道")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    beds = models.PositiveIntegerField(_("核定床位"), default=0)
    licence_no = models.CharField(
        _("许可证（备案）编号"), max_length=40, blank=True, help_text=_("医疗机构填执业许可证登记号，公共场所等填卫生许可证号或备案号")
    )
    licence_valid_from = models.DateField(_("许可证有效期起"), null=True, blank=True)
    licence_valid_to = models.DateField(_("许可证有效期止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=InstitutionStatus.choices, default=InstitutionStatus.ACTIVE)
    status_since = models.DateField(_("状态起始日"), null=True, blank=True)
    wastewater_class = models.CharField(
        _("污水排放类别"), max_length=20, choices=WastewaterClass.choices, blank=True, default=""
    )
    search_text = models.CharField(max_length=600, editable=False, default="")
    name_sort = models.CharField(_("名称拼音"), max_length=600, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="district__code", institution="pk")

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("被监督单位")
        verbose_name_plural = _("被监督单位")
        indexes = [
            models.Index(fields=["district", "kind"]), models.Index(fields=["name"]),
            models.Index(fields=["name_sort", "id"], name="registry_inst_name_sort"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    @property
    def sector(self) -> str:
        """The 监督专业 of this unit's kind (a :class:`Sector` value)."""
        return kinds.sector_of(self.kind)

    @property
    def licence_kind(self) -> str:
        """The document this unit's kind holds (a :class:`LicenceKind` value)."""
        return kinds.licence_of(self.kind)

    @property
    def is_medical(self) -> bool:
        return self.sector == Sector.MEDICAL

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else ""

    @property
    def licence_label(self) -> str:
        """What the licence number is called for this unit's kind (执业许可证登记号, 卫生许可证号, 备案号)."""
        return str(LICENCE_NUMBER_LABELS.get(self.licence_kind, LICENCE_NUMBER_LABELS[LicenceKind.NONE]))

    def licence_valid_on(self, day: dt.date) -> bool:
        return bool(
            self.licence_valid_from and self.licence_valid_to and self.licence_valid_from <= day <= self.licence_valid_to
        )


class InstitutionDept(models.Model):
    """A licensed 诊疗科目 of an institution, with its validity."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="depts")
    dept_code = models.CharField(_("诊疗科目代码"), max_length=10)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["institution", "dept_code"]
        verbose_name = _("核准诊疗科目")
        verbose_name_plural = _("核准诊疗科目")
        constraints = [
            models.UniqueConstraint(fields=["institution", "dept_code", "valid_from"], name="uniq_institution_dept")
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.dept_code}"


class PractitionerKind(models.TextChoices):
    PHYSICIAN = "physician", _("执业医师")
    ASSISTANT_PHYSICIAN = "assistant_physician", _("执业助理医师")
    NURSE = "nurse", _("护士")
    PHARMACIST = "pharmacist", _("药师")
    TECHNICIAN = "technician", _("医技人员")


class PractitionerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停执业")
    REVOKED = "revoked", _("吊销/注销")


class Practitioner(Searchable, models.Model):
    """A licensed practitioner. The 身份证 number is kept only masked, with a keyed hash for matching."""

    SEARCH_FIELDS = ("name", "cert_no")
    PERSON_NAMES = True

    cert_no = models.CharField(_("执业证书编码"), max_length=30, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("类别"), max_length=30, choices=PractitionerKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=PractitionerStatus.choices, default=PractitionerStatus.ACTIVE)
    status_since = models.DateField(_("状态起始日"), null=True, blank=True)
    licence_valid_to = models.DateField(_("执业证有效期止"), null=True, blank=True)
    search_text = models.CharField(max_length=200, editable=False, default="")
    name_sort = models.CharField(_("姓名拼音"), max_length=200, editable=False, default="", db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(
        region="registrations__institution__district__code", institution="registrations__institution_id", many=True
    )
    # 多点执业: every district where they practise reads the record, but the practitioner's own fields
    # (name, kind, status, licence, 执业范围) are changed by the district of the primary registration or the city.
    write_scope_rule = ScopeRule(region="owner_district_code")

    class Meta:
        ordering = ["cert_no"]
        verbose_name = _("执业人员")
        verbose_name_plural = _("执业人员")

    def __str__(self) -> str:
        return gettext("%(name)s（%(code)s）") % {"name": self.name, "code": self.cert_no}

    @property
    def owner_district_code(self) -> str | None:
        """The district of the primary registration: the one that keeps this record (see :func:`keepers`)."""
        if self.pk is None:
            return None
        return keepers(Registration.objects.filter(practitioner_id=self.pk)).get(self.pk)


def keepers(registrations: models.QuerySet[Registration]) -> dict[int, str]:
    """Practitioner pk → district code of the registration that makes a district the record's keeper.

    That is the primary registration in force today (the latest begun, if several), or — for a practitioner
    whose primary registration has not begun yet, e.g. one just registered by a district — the earliest one
    to come. Ended registrations never count.
    """
    today = timezone.localdate()
    rows = (
        registrations.filter(is_primary=True)
        .exclude(valid_to__lt=today)
        .values_list("practitioner_id", "institution__district__code", "valid_from")
        .iterator(chunk_size=5000)
    )
    best: dict[int, tuple[tuple[bool, int], str]] = {}
    for practitioner, district, since in rows:
        # current ones first (the latest begun wins), then future ones (the earliest wins)
        rank = (since <= today, since.toordinal() if since <= today else -since.toordinal())
        if practitioner not in best or rank > best[practitioner][0]:
            best[practitioner] = (rank, district)
    return {practitioner: district for practitioner, (_, district) in best.items()}


class PractitionerScope(models.Model):
    """A 诊疗科目 the practitioner's 执业范围 allows."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="scopes")
    dept_code = models.CharField(_("执业范围（诊疗科目）"), max_length=10)

    scope_rule = ScopeRule(
        region="practitioner__registrations__institution__district__code",
        institution="practitioner__registrations__institution_id",
        many=True,
    )
    write_scope_rule = ScopeRule(region="practitioner__owner_district_code")

    class Meta:
        ordering = ["practitioner", "dept_code"]
        verbose_name = _("执业范围")
        verbose_name_plural = _("执业范围")
        constraints = [models.UniqueConstraint(fields=["practitioner", "dept_code"], name="uniq_practitioner_scope")]

    def __str__(self) -> str:
        return f"{self.practitioner} · {self.dept_code}"


class Registration(models.Model):
    """A practitioner's registration (注册/多点执业备案) at an institution."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="registrations")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="registrations")
    is_primary = models.BooleanField(_("主要执业机构"), default=False)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["practitioner", "-is_primary", "valid_from"]
        verbose_name = _("执业注册")
        verbose_name_plural = _("执业注册")
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "institution", "valid_from"], name="uniq_registration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} @ {self.institution}"


class Inspector(Searchable, models.Model):
    """A law-enforcement officer of the 执法人员名录库."""

    SEARCH_FIELDS = ("name", "badge_no")
    PERSON_NAMES = True

    badge_no = models.CharField(_("执法证号"), max_length=30, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("部门"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("所属区域"))
    fields = models.CharField(
        _("执法领域"), max_length=300, blank=True, validators=[validate_field_codes],
        help_text=_("执法领域代码，以分号分隔（如 medical;infectious）"),
    )
    active = models.BooleanField(_("在岗"), default=True)
    badge_valid_from = models.DateField(_("执法证有效期起"), null=True, blank=True)
    badge_valid_to = models.DateField(_("执法证有效期止"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspector",
        verbose_name=_("平台账号"),
    )
    search_text = models.CharField(max_length=200, editable=False, default="")
    name_sort = models.CharField(_("姓名拼音"), max_length=200, editable=False, default="", db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["region__code", "badge_no"]
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")

    def __str__(self) -> str:
        return gettext("%(name)s（%(code)s）") % {"name": self.name, "code": self.badge_no}

    @property
    def field_codes(self) -> frozenset[str]:
        """The 执法领域 codes (responsibility list) this inspector may enforce."""
        return frozenset(split_codes(self.fields))

    @property
    def field_list(self) -> list[str]:
        """The 执法领域 as Chinese names, in the catalogue's order (for display)."""
        return field_names(self.fields)

    def badge_valid_on(self, day: dt.date) -> bool:
        """The 执法证 is in force on ``day``: an open end counts as valid, a missing start as not yet issued."""
        return bool(self.badge_valid_from and self.badge_valid_from <= day and (
            self.badge_valid_to is None or day <= self.badge_valid_to
        ))


class InspectorConflict(models.Model):
    """A declared conflict of interest (申报回避): the inspector is not drawn for the institution while it lasts."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("执法人员"))
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="inspector_conflicts", verbose_name=_("被监督单位")
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="inspector__region__code", department="inspector__department__code")

    class Meta:
        ordering = ["inspector", "-declared_on"]
        verbose_name = _("申报回避")
        verbose_name_plural = _("申报回避")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "institution", "declared_on"], name="uniq_inspector_conflict"),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("declared_on")),
                name="conflict_ends_after_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.institution}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.declared_on <= day and (self.ended_on is None or day <= self.ended_on)


class ImportBatch(models.Model):
    """One import of a spreadsheet: what it applied and every row it rejected, with reasons."""

    kind = models.CharField(_("导入类型"), max_length=30)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150, blank=True)
    region_code = models.CharField(max_length=15, blank=True)
    department_code = models.CharField(max_length=30, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    headers = models.JSONField(_("列名"), default=list, blank=True)  # the file's header row as typed

    # A batch and its rejected rows belong to the importer's department and region.
    scope_rule = ScopeRule(region="region_code", department="department_code")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"{self.kind_title} {self.filename}"

    @property
    def kind_title(self) -> str:
        """The import kind's Chinese name (医疗机构), or the stored key of a kind no longer offered."""
        from weijian.registry.imports.specs import SPECS  # the specs import this module

        spec = SPECS.get(self.kind)
        return spec.title if spec is not None else self.kind


class ImportReject(models.Model):
    """One rejected cell of an import: the row a user sees, the column, the value (masked where personal), why."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="reject_rows")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=100)
    value = models.TextField(_("值"), blank=True)
    reason = models.TextField(_("原因"))

    scope_rule = ScopeRule(region="batch__region_code")

    class Meta:
        ordering = ["batch", "row", "pk"]
        indexes = [models.Index(fields=["batch", "row"], name="registry_reject_batch_row")]
        verbose_name = _("未导入的行")
        verbose_name_plural = _("未导入的行")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} {self.column}"


class ImportRejectedRow(models.Model):
    """A rejected row as it was uploaded (every cell, personal identifiers masked), so that the rejects
    workbook gives it back to be fixed and imported again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="original_rows")
    row = models.PositiveIntegerField(_("行号"))
    values = models.JSONField(_("原始内容"), default=list)

    scope_rule = ScopeRule(region="batch__region_code")

    class Meta:
        ordering = ["batch", "row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="registry_original_row_once")]
        verbose_name = _("未导入行的原始内容")
        verbose_name_plural = _("未导入行的原始内容")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"
