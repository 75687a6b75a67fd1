from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelect, FastSelectMultiple
from luoshi.org.models import Person, Role, Unit
from luoshi.work.forms_flow import MultipleFileField

from .models import ProblemKind, RoundKind, StepChoice


class SignOffForm(forms.Form):
    """申请销号: what was done and the evidence."""

    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("佐证材料"), required=False)
    # Ids of the measures' own evidence to carry (沿用): whatever is posted, the service checks each one.
    carried = forms.TypedMultipleChoiceField(
        label=_("沿用的佐证材料"), required=False, coerce=int, choices=()
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["carried"].choices = [(i, i) for i in self.carried_ids()]  # type: ignore[attr-defined]

    def carried_ids(self) -> list[int]:
        """The carried ids as posted (to show the boxes as the unit left them when the form comes back)."""
        posted = self.data.getlist("carried") if hasattr(self.data, "getlist") else []
        return [int(i) for i in posted if str(i).isdigit() and len(str(i)) < 19]


class DecisionForm(forms.Form):
    """One step's decision on a sign-off: the step the actor signs as, and a note (the reason, to return)."""

    step = forms.ChoiceField(choices=StepChoice.choices)
    note = forms.CharField(label=_("审核意见"), required=False, max_length=1000)


class ReopenForm(forms.Form):
    """回头看: why the problem is open again, its new deadline and the new measure."""

    reason = forms.CharField(label=_("重新打开原因"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的整改时限"), widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.CharField(label=_("新的整改措施"), max_length=300)


class RoundForm(forms.Form):
    """新建检查轮次."""

    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices)
    name = forms.CharField(label=_("名称"), max_length=200)
    body = forms.CharField(label=_("检查机关"), max_length=200)
    start = forms.DateField(label=_("检查开始"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("检查结束"), widget=forms.DateInput(attrs={"type": "date"}))
    feedback = forms.DateField(
        label=_("反馈日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))
    scope_units = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple,
        label=_("被检查单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        required=False,
    )


class ProblemForm(forms.Form):
    """新建整改问题, with its measures one per line."""

    number = forms.CharField(label=_("序号"), max_length=20)
    text = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.CharField(label=_("类别"), max_length=60, required=False)
    responsible_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("责任单位"), queryset=Unit.objects.filter(is_active=True).order_by("path")
    )
    responsible_leader = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("牵头领导"),
        queryset=Person.objects.filter(memberships__post__role=Role.LEADER, memberships__end__isnull=True)
        .distinct()
        .order_by("name"),
        required=False,
    )
    deadline = forms.DateField(label=_("整改时限"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("整改类型"), choices=ProblemKind.choices)
    mechanism = forms.CharField(label=_("长效机制"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(
        label=_("整改措施"), help_text=_("每行一条"), widget=forms.Textarea(attrs={"rows": 3})
    )
    money_involved = forms.DecimalField(
        label=_("涉及金额（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    money_recovered = forms.DecimalField(
        label=_("挽回金额（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    is_public = forms.BooleanField(label=_("公开"), required=False)


class UnpublishForm(forms.Form):
    """撤回已发布的整改结果: why."""

    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 2}))
