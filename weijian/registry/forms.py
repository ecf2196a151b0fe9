"""Back-office forms of the registries: identifiers are validated and normalised exactly as imports do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext

from weijian.core.identifiers import IdentifierError, clean_badge_no, clean_cert_no, clean_uscc
from weijian.registry.fields import FieldCodeError, allowed_text, normalize_fields
from weijian.registry.models import Inspector, InspectorConflict, Institution, Practitioner


def _identifier_field(name: str, clean: Callable[[str], str]) -> Callable[[Any], str]:
    def clean_field(form: forms.ModelForm) -> str:
        try:
            return clean(form.cleaned_data.get(name) or "")
        except IdentifierError as exc:
            raise forms.ValidationError(exc.reason) from exc

    return clean_field


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = "__all__"

    clean_uscc = _identifier_field("uscc", clean_uscc)


class PractitionerForm(forms.ModelForm):
    """The number is checked against the format of the practitioner's own kind (rules data)."""

    class Meta:
        model = Practitioner
        exclude = ("id_digest",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("cert_no"):
            try:
                cleaned["cert_no"] = clean_cert_no(cleaned["cert_no"], kind=cleaned.get("kind"))
            except IdentifierError as exc:
                self.add_error("cert_no", exc.reason)
        return cleaned


class InspectorForm(forms.ModelForm):
    """执法领域 are typed as codes or names (``medical;传染病防治``) and stored as codes; 执法证有效期 in order."""

    class Meta:
        model = Inspector
        fields = "__all__"

    clean_badge_no = _identifier_field("badge_no", clean_badge_no)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "fields" in self.fields:
            self.fields["fields"].help_text = gettext("以分号分隔，可填：%(allowed)s") % {"allowed": allowed_text()}

    def clean_fields(self) -> str:  # the model field named ``fields``, not Form.clean_fields
        try:
            return normalize_fields(self.cleaned_data.get("fields") or "")
        except FieldCodeError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("badge_valid_from"), cleaned.get("badge_valid_to")
        if start and end and end < start:
            self.add_error("badge_valid_to", gettext("执法证有效期止早于有效期起"))
        return cleaned


class InspectorConflictForm(forms.ModelForm):
    class Meta:
        model = InspectorConflict
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("declared_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", gettext("终止日期早于申报日期"))
        return cleaned
