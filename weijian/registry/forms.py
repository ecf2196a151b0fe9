"""Back-office forms of the registries: identifiers are validated and normalised exactly as imports do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from weijian.core.identifiers import IdentifierError, clean_badge_no, clean_cert_no, clean_uscc
from weijian.registry.models import Inspector, Institution, Practitioner


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
    class Meta:
        model = Inspector
        fields = "__all__"

    clean_badge_no = _identifier_field("badge_no", clean_badge_no)
