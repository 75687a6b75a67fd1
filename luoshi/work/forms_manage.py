"""Forms of the office's plan and task pages. They parse input; the rules stay in the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.formfields import choice, model_choice
from luoshi.lib.widgets import FastSelectMultiple
from luoshi.org.forms import DATE, PersonChoice, UnitChoice, UnitsChoice
from luoshi.org.models import Person, Unit

from .models import Cadence, Direction, Plan, Source, Status, Task
from .services.manage import PLAN_EDITABLE
from .services.tasks import TASK_SCHEDULE

# Past this many possible parents the parent is typed as a number instead of picked from a list.
PARENT_OPTIONS_MAX = 500


class TaskChoice(forms.ModelChoiceField[Task]):
    """A possible parent task, by its code and title."""

    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.code} {obj.title}".strip()


def unit_queryset() -> Any:
    return Unit.objects.active().only("pk", "name", "depth", "path").order_by("path")


def person_queryset() -> Any:
    return Person.objects.only("pk", "name").order_by("name", "pk")


class PlanForm(forms.ModelForm[Plan]):
    """A plan's name, dates, light thresholds and cadence; `seen` detects a concurrent edit."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput)
    owner_unit = UnitChoice(queryset=unit_queryset(), required=False, label=_("牵头部门"))

    class Meta:
        model = Plan
        fields = list(PLAN_EDITABLE)
        widgets = {"start": DATE, "due": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "owner_unit").queryset = unit_queryset()

    def validate_unique(self) -> None:
        """Duplicate names are refused by the service, in its words."""


class LockForm(forms.Form):
    """Lock a reporting period (锁定填报期) once its bulletin is out."""

    period_end = forms.TypedChoiceField(label=_("所属期"), coerce=date.fromisoformat)

    def __init__(self, *args: Any, periods: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "period_end").choices = [(d.isoformat(), d.isoformat()) for d in reversed(periods)]


class TaskForm(forms.ModelForm[Task]):
    """A task's own fields. `version` is the version the editor saw (absent when creating)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent = TaskChoice(queryset=Task.objects.none(), required=False, label=_("上级任务"))
    lead_unit = UnitChoice(queryset=unit_queryset(), label=_("牵头单位"))
    co_units = UnitsChoice(
        queryset=unit_queryset(),
        required=False,
        label=_("配合单位"),
        widget=FastSelectMultiple(attrs={"size": 6}),
    )
    responsible_leader = PersonChoice(queryset=person_queryset(), required=False, label=_("责任领导"))
    responsible_person = PersonChoice(queryset=person_queryset(), required=False, label=_("责任人"))

    class Meta:
        model = Task
        fields = [
            "code",
            "title",
            "description",
            "parent",
            "source",
            "lead_unit",
            "co_units",
            *TASK_SCHEDULE,
        ]
        widgets = {
            "start": DATE,
            "due": DATE,
            "title": forms.TextInput(attrs={"size": 60}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plan: Plan, task: Task | None = None, **kwargs: Any) -> None:
        kwargs["instance"] = task
        super().__init__(*args, **kwargs)
        parents = Task.objects.filter(plan=plan).exclude(status=Status.CLOSED).only("pk", "title", "code")
        if task is not None:
            parents = parents.exclude(path__startswith=task.path)
        model_choice(self, "parent").queryset = parents.order_by("sort_path")
        if parents.count() > PARENT_OPTIONS_MAX:
            # A large plan's tree does not fit a drop-down: the parent is named by its number.
            self.fields["parent"].widget = forms.NumberInput(attrs={"min": 1})
            self.fields["parent"].help_text = _("上级任务的序号（任务页地址中的数字）")
        model_choice(self, "lead_unit").queryset = unit_queryset()
        model_choice(self, "co_units").queryset = unit_queryset()
        model_choice(self, "responsible_leader").queryset = person_queryset()
        model_choice(self, "responsible_person").queryset = person_queryset()
        choice(self, "source").choices = Source.choices
        choice(self, "cadence").choices = [("", _("随计划"))] + list(Cadence.choices)
        if task is not None:
            self.fields["co_units"].initial = list(task.task_units.values_list("unit_id", flat=True))

    def validate_unique(self) -> None:
        """Duplicate codes are refused by the service, in its words."""

    def _post_clean(self) -> None:
        """Keep the instance untouched: the service applies the changes under its version check."""


class SplitPartForm(forms.Form):
    title = forms.CharField(label=_("下级任务"), max_length=500, required=False)
    lead_unit = UnitChoice(queryset=unit_queryset(), required=False, label=_("牵头单位"))
    due = forms.DateField(label=_("完成时限"), required=False, widget=DATE)
    weight = forms.DecimalField(label=_("权重"), required=False, min_value=0, max_digits=7, decimal_places=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "lead_unit").queryset = unit_queryset()


SplitFormSet = forms.formset_factory(SplitPartForm, extra=4, max_num=20)


class SplitVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(forms.Form):
    """Suspend (暂停), resume, start or cancel (取消) a task: a reason is required except to resume."""

    status = forms.ChoiceField(
        label=_("变更为"),
        choices=[
            (Status.SUSPENDED, _("暂停")),
            (Status.CANCELLED, _("取消")),
            (Status.IN_PROGRESS, _("推进中")),
        ],
    )
    reason = forms.CharField(label=_("理由"), max_length=1000, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due = forms.DateField(label=_("计划日期"), widget=DATE)
    duration_days = forms.IntegerField(label=_("工期(天)"), required=False, min_value=0)
    met_on = forms.DateField(label=_("完成日期"), required=False, widget=DATE)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class MeasureForm(forms.Form):
    """A measure (量化指标) and one planned cumulative value per month of the task (月度计划)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    metric_name = forms.CharField(label=_("指标"), max_length=120, required=False)
    metric_unit = forms.CharField(label=_("计量单位"), max_length=30, required=False)
    baseline = forms.DecimalField(label=_("基数"), required=False, max_digits=18, decimal_places=4)
    target = forms.DecimalField(label=_("目标值"), required=False, max_digits=18, decimal_places=4)
    direction = forms.ChoiceField(label=_("方向"), choices=Direction.choices)

    def __init__(self, *args: Any, months: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        for key in months:
            self.fields[f"m_{key}"] = forms.DecimalField(
                label=key, required=False, max_digits=18, decimal_places=4
            )

    def month_fields(self) -> list[Any]:
        return [self[f"m_{key}"] for key in self.months]

    def monthly_plan(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(f"m_{k}") for k in self.months}
