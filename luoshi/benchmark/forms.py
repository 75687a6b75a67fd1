from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Indicator, Region


def find_region(text: str) -> Region:
    """A region by its code or its unique name (a bad or ambiguous one is a form error)."""
    text = text.strip()
    by = {"code": text} if re.fullmatch(r"\d{6}", text) else {"name": text}
    found: list[Region] = list(Region.objects.filter(**by)[:2])
    if len(found) > 1:
        raise forms.ValidationError(_("「%(n)s」对应多个地区，请填写行政区划代码。") % {"n": text})
    if not found:
        raise forms.ValidationError(_("找不到地区「%(n)s」（请填写行政区划代码或全称）。") % {"n": text})
    return found[0]


def period_field(value: str) -> rules.PeriodKey | None:
    if not value.strip():
        return None
    try:
        return rules.parse_period(value)
    except rules.Unreadable as exc:
        raise forms.ValidationError(str(exc)) from None


class ImportForm(forms.Form):
    """导入统计数据: the table, the period for tables without one, the parent region names fall under."""

    period = forms.CharField(label=_("统计期（表中没有统计期或年份列时）"), max_length=40, required=False)
    within = forms.CharField(label=_("限定上级地区（代码或全称，可空）"), max_length=60, required=False)

    def clean_period(self) -> rules.PeriodKey | None:
        return period_field(self.cleaned_data["period"])

    def clean_within(self) -> Region | None:
        text = self.cleaned_data["within"]
        return find_region(text) if text.strip() else None


class GroupForm(forms.Form):
    """新建对标组."""

    name = forms.CharField(label=_("名称"), max_length=100)
    home = forms.CharField(label=_("本区（代码或全称）"), max_length=60)
    members = forms.CharField(
        label=_("对标地区（代码或全称，以空格、逗号或顿号分隔）"), widget=forms.Textarea(attrs={"rows": 3})
    )
    benchmark = forms.CharField(label=_("标杆地区（代码或全称，可空）"), max_length=60, required=False)

    def clean_home(self) -> Region:
        return find_region(self.cleaned_data["home"])

    def clean_members(self) -> list[Region]:
        parts = [p for p in re.split(r"[\s,，、;；]+", self.cleaned_data["members"]) if p]
        return [find_region(p) for p in parts]

    def clean_benchmark(self) -> Region | None:
        text = self.cleaned_data["benchmark"]
        return find_region(text) if text.strip() else None


class OwnValueForm(forms.Form):
    """填报本区指标值 (as printed: 1,234.5 or 增长6.5%)."""

    indicator = forms.ModelChoiceField(label=_("指标"), queryset=Indicator.objects.all())
    period = forms.CharField(label=_("统计期"), max_length=40, help_text=_("例如 2025年前三季度"))
    value = forms.CharField(
        label=_("数值"), max_length=40, help_text=_("总量以亿元计，增速如 6.5 或 增长6.5%")
    )

    def clean_period(self) -> rules.PeriodKey:
        key = period_field(self.cleaned_data["period"])
        if key is None:
            raise forms.ValidationError(_("请填写统计期。"))
        return key

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
