"""Forms of the reporting flow: filing a report in place, and the reasons that reviews require.

The forms only parse what the browser sends; the rules (percent range, measure value needed,
reason required, who may) live in `services.py`, whose messages are shown as they are.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files (佐证材料) in one input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class ReportFillForm(forms.Form):
    """One row of "本期待填报": percent or measure value, texts, evidence, or "no change"."""

    percent = forms.DecimalField(
        label=_("完成进度(%)"), required=False, min_value=0, max_value=100, decimal_places=2, max_digits=6
    )
    value = forms.DecimalField(label=_("累计完成值"), required=False, decimal_places=4, max_digits=18)
    narrative = forms.CharField(
        label=_("进展情况"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label=_("下步打算"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("佐证材料"), required=False)
    no_change = forms.BooleanField(label=_("与上期无变化"), required=False)
    # Back-filling a paper report (纸质填报): the day it was made; the period is the one holding it.
    reported_on = forms.DateField(label=_("纸质填报日期"), required=False)
    redo = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The filer saw the plausibility warning (合理性提示) and confirms the figure.
    acknowledge_warnings = forms.BooleanField(required=False)


class ReasonForm(forms.Form):
    """A reason is required to return a report, reject a claim or reopen a task."""

    reason = forms.CharField(label=_("理由"), max_length=1000, required=True, strip=True)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, strip=True)


class ClaimForm(forms.Form):
    """A completion claim (申请完成): what was done, the measure's final value, the evidence."""

    note = forms.CharField(label=_("完成情况说明"), max_length=1000, required=False, strip=True)
    value = forms.DecimalField(label=_("最终完成值"), required=False, decimal_places=4, max_digits=18)
    evidence = MultipleFileField(label=_("佐证材料"), required=False)


class MilestoneClaimForm(forms.Form):
    """A milestone reported met (节点完成): the date, a note, the evidence."""

    met_on = forms.DateField(label=_("完成日期"), required=True)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, strip=True)
    evidence = MultipleFileField(label=_("佐证材料"), required=False)
