"""Forms of the project pages: a stage met, a month's investment, a problem, a problem to a task."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.org.models import Unit
from luoshi.work.filters import DayField
from luoshi.work.models import Plan

from .models import Project, ProjectProblem, Stage


class StageMetForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    met = DayField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("佐证材料"), required=False)


class InvestmentForm(forms.Form):
    month = DayField(
        label=_("月份"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    amount = forms.DecimalField(label=_("完成投资（万元）"), max_digits=14, decimal_places=2)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=300)
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.filter(is_active=True))
    deadline = DayField(label=_("解决时限"), widget=forms.DateInput(attrs={"type": "date"}))


class ProblemTaskForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("转入计划"), queryset=Plan.objects.all())


class ProblemsTasksForm(forms.Form):
    """Several open problems of one project, ticked, and the plan their tasks go into."""

    problems = forms.ModelMultipleChoiceField(label=_("问题"), queryset=ProjectProblem.objects.none())
    plan = forms.ModelChoiceField(label=_("转入计划"), queryset=Plan.objects.filter(is_active=True))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = ProjectProblem.objects.filter(  # type: ignore[attr-defined]
            project=project, task__isnull=True
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("项目清单（.xlsx 或 .csv）"))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=2999)


class BoundaryForm(forms.Form):
    name = forms.CharField(label=_("边界名称"), max_length=120)
    file = forms.FileField(label=_("GeoJSON 文件"))
