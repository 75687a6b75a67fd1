from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.work.forms_flow import MultipleFileField

from .models import StepChoice


class SignOffForm(forms.Form):
    """申请销号: what was done and the evidence."""

    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("佐证材料"), required=False)


class DecisionForm(forms.Form):
    """One step's decision on a sign-off: the step the actor signs as, and a note (the reason, to return)."""

    step = forms.ChoiceField(choices=StepChoice.choices)
    note = forms.CharField(label=_("审核意见"), required=False, max_length=1000)


class ReopenForm(forms.Form):
    """回头看: why the problem is open again, its new deadline and the new measure."""

    reason = forms.CharField(label=_("重新打开原因"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的整改时限"), widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.CharField(label=_("新的整改措施"), max_length=300)
