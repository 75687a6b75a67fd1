"""Forms of the project pages: a stage met, a month's investment, a problem, a problem to a task."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_SEARCH
from luoshi.lib.widgets import FastSelect
from luoshi.org.access import context_for
from luoshi.org.models import Post, Role, Unit
from luoshi.work.filters import DayField
from luoshi.work.models import Plan

from .models import Category, OwnerRole, Project, ProjectProblem, Stage


class StageMetForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    met = DayField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("佐证材料"), required=False)
    carried = forms.TypedChoiceField(
        label=_("或沿用关联任务已报的佐证材料"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, carryable: Sequence[Any] = (), **kwargs: Any) -> None:
        """`carryable`: the evidence files of the project's task that may be named instead of an
        upload (`work.selectors.carryable_evidence`); without any, the choice is not shown."""
        super().__init__(*args, **kwargs)
        if carryable:
            field = self.fields["carried"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", "—"), *((ev.pk, ev.name) for ev in carryable)]
        else:
            del self.fields["carried"]


class InvestmentForm(forms.Form):
    month = DayField(
        label=_("月份"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    amount = forms.DecimalField(label=_("完成投资（万元）"), max_digits=14, decimal_places=2)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=300)
    owner_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("责任单位"), queryset=Unit.objects.filter(is_active=True)
    )
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
    file = forms.FileField(label=_("项目清单（.xlsx、.xls 或 .csv）"))
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=2999)


class BoundaryForm(forms.Form):
    name = forms.CharField(label=_("边界名称"), max_length=120)
    file = forms.FileField(label=_("GeoJSON 文件"))


class ProjectForm(forms.Form):
    """A project's own fields: the create page (with its year, annual plan and carrying task's plan)
    and the edit page (with the version the editor saw)."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    code = forms.CharField(label=_("编号"), max_length=40)
    category = forms.ChoiceField(label=_("类别"), choices=[("", "—"), *Category.choices], required=False)
    theme = forms.CharField(label=_("计划主题"), max_length=80, required=False)
    lead_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("牵头单位"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    total_investment = forms.DecimalField(
        label=_("总投资（万元）"), max_digits=14, decimal_places=2, initial=0
    )
    lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    lng = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)
    protected = forms.BooleanField(label=_("挂牌保护"), required=False)
    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=2999, required=False)
    annual_plan = forms.DecimalField(
        label=_("年度计划投资（万元）"), max_digits=14, decimal_places=2, required=False
    )
    plan = forms.ModelChoiceField(
        label=_("推进任务纳入计划"), queryset=Plan.objects.filter(is_active=True), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("code", "year", "annual_plan", "plan"):
                del self.fields[name]
            self.fields["version"].required = True


class StagePlanForm(forms.Form):
    """The planned date of each stage (倒排工期), with the version the editor saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in Stage:
            self.fields[stage.value] = DayField(
                label=stage.label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def planned(self) -> dict[str, Any]:
        return {stage.value: self.cleaned_data.get(stage.value) for stage in Stage}


# The most posts the owner picker lists at once; a search or a unit narrows it further.
OWNER_CHOICES_MAX = 200


def owner_posts(user: Any) -> QuerySet[Post]:
    """The posts an editor may name as owners (四包一): posts of active units the editor can see (the
    office every unit; others their units' subtrees, portfolio and own post units)."""
    posts = Post.objects.filter(unit__is_active=True)
    ctx = context_for(user)
    if not ctx.sees_everything:
        posts = posts.filter(unit_id__in=ctx.scope_unit_ids | ctx.post_unit_ids)
    return posts


class PostChoiceField(forms.ModelChoiceField[Post]):
    """Lists the `shown` posts, but accepts any post of `allowed` (the picker shows a narrowed list;
    a post chosen from an earlier narrowing is still a valid answer)."""

    def __init__(self, *, allowed: QuerySet[Post], **kwargs: Any) -> None:
        self.allowed = allowed
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return self.allowed.get(pk=int(value))
        except (ValueError, TypeError, Post.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class OwnerPickerForm(forms.Form):
    """Narrows the owner picker (GET): a unit (with its subtree) and/or words of a unit's or post's
    name."""

    owner_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("按单位筛选"), queryset=Unit.objects.none(), required=False
    )
    owner_q = forms.CharField(label=_("搜索单位或职务"), required=False, max_length=MAX_SEARCH)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True).order_by("path")
        ctx = context_for(user)
        if not ctx.sees_everything:
            units = units.filter(pk__in=ctx.scope_unit_ids | ctx.post_unit_ids)
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]

    def narrowing(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class OwnersForm(forms.Form):
    """The four owners (四包一) as posts, with the version the editor saw.

    The picker lists posts of units the editor can see, narrowed (`unit`: that unit's subtree;
    `search`: words of the unit's or post's name) or, without narrowing, the project's lead unit's
    subtree and the leaders' posts (包抓领导); always the posts named now, at most `OWNER_CHOICES_MAX`.
    Any post the editor can see is accepted. One query for the choices."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(
        self,
        *args: Any,
        user: Any,
        project: Project | None = None,
        unit: Unit | None = None,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        allowed = owner_posts(user)
        named = (self.data if self.is_bound else self.initial).get
        given = [str(named(r.value) or "") for r in OwnerRole]
        current = [int(v) for v in given if v.isdigit()]
        if unit is not None or search:
            wanted = Q()
            if unit is not None:
                wanted &= Q(unit__path__startswith=unit.path)
            for word in search.split():
                wanted &= Q(unit__name__icontains=word) | Q(title__icontains=word)
        else:
            wanted = Q(role=Role.LEADER)
            lead = project.lead_unit if project is not None and project.lead_unit_id else None
            if lead is not None:
                wanted |= Q(unit__path__startswith=lead.path)
        listed = allowed.filter(wanted).order_by("unit__path", "pk").values("pk")[:OWNER_CHOICES_MAX]
        shown = (
            Post.objects.filter(Q(pk__in=current) | Q(pk__in=listed))
            .select_related("unit")
            .order_by("unit__path", "pk")
        )
        for role in OwnerRole:
            self.fields[role.value] = PostChoiceField(
                label=role.label, queryset=shown, allowed=allowed, required=False
            )

    def posts(self) -> dict[str, Any]:
        return {role.value: self.cleaned_data.get(role.value) for role in OwnerRole}
