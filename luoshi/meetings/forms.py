from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_DATE, MIN_DATE
from luoshi.org.models import Unit
from luoshi.work.models import Plan


class CardForm(forms.Form):
    card_no = forms.CharField(label=_("卡号"), max_length=40)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50_000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.filter(is_active=True))
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    plan = forms.ModelChoiceField(
        label=_("纳入计划"), queryset=Plan.objects.filter(is_active=True), required=False
    )

    def clean_deadline(self) -> Any:
        day = self.cleaned_data["deadline"]
        if not MIN_DATE <= day <= MAX_DATE:
            raise forms.ValidationError(_("日期超出范围。"))
        return day

    def __init__(self, *args: Any, plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
