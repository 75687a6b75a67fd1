from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelect, FastSelectMultiple
from luoshi.org.models import Person, Unit, UnitCategory

from .models import RiskKind, Size, TeamRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units() -> Any:
    return Unit.objects.active().exclude(category=UnitCategory.DISTRICT)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24)
    industry = forms.CharField(label=_("行业"), max_length=60)
    size = forms.ChoiceField(label=_("规模"), choices=Size.choices)
    unit = forms.ModelChoiceField(widget=FastSelect, label=_("属地单位"), queryset=Unit.objects.none())
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact = forms.CharField(label=_("企业联系人"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]


class EnterpriseEditForm(EnterpriseForm):
    """The office's edit of an enterprise's details: the credit code is its identity and is not
    edited; `seen` is the fingerprint of the details as loaded (an edit saved meanwhile conflicts)."""

    seen = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["credit_code"]


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("风险类型"), choices=RiskKind.choices)
    raised_on = forms.DateField(label=_("发现日期"), widget=DATE)
    note = forms.CharField(label=_("情况"), max_length=300)


class CloseFlagForm(forms.Form):
    closed_on = forms.DateField(label=_("解除日期"), widget=DATE)
    note = forms.CharField(label=_("解除说明"), max_length=300)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE)
    visitors = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("走访人员"), queryset=Person.objects.none()
    )
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = people if people is not None else Person.objects.all()  # type: ignore[attr-defined]


class ProblemForm(forms.Form):
    text = forms.CharField(label=_("问题"), max_length=300)
    unit = forms.ModelChoiceField(widget=FastSelect, label=_("责任单位"), queryset=Unit.objects.none())
    due = forms.DateField(label=_("办结时限"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    leader = forms.ModelChoiceField(
        widget=FastSelect, label=_("组长"), queryset=Person.objects.all(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("成员"), queryset=Person.objects.all(), required=False
    )
    bank = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("金融联络员"), queryset=Person.objects.all(), required=False
    )

    def members_list(self) -> list[tuple[Any, str]]:
        d = self.cleaned_data
        out: list[tuple[Any, str]] = []
        if d.get("leader"):
            out.append((d["leader"], TeamRole.LEADER))
        out += [(p, TeamRole.MEMBER) for p in d.get("members") or []]
        out += [(p, TeamRole.BANK) for p in d.get("bank") or []]
        return out
