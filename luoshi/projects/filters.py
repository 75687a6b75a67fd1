"""One filter for the project list, shared by the page and the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_SEARCH
from luoshi.work.filters import IdField
from luoshi.work.models import Light

from . import selectors
from .models import Category, Project, ProjectYear, Stage


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=MAX_SEARCH)
    stage = forms.MultipleChoiceField(label=_("阶段"), required=False, choices=Stage.choices)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", "")] + list(Category.choices))
    unit = IdField(label=_("牵头单位"), required=False)
    light = forms.MultipleChoiceField(label=_("亮灯"), required=False, choices=Light.choices)
    stuck = forms.BooleanField(label=_("仅卡在阶段的项目"), required=False)
    protected = forms.BooleanField(label=_("仅挂牌保护"), required=False)
    problems = forms.BooleanField(label=_("仅有未解决问题"), required=False)


class ProjectFilter:
    """The projects `user` may see, filtered; `rows(on)` pairs each with its standing."""

    def __init__(self, data: Any, *, user: Any) -> None:
        self.form = ProjectFilterForm(data or None)
        self.base = Project.objects.visible_to(user)

    def is_valid(self) -> bool:
        return self.form.is_valid() if self.form.is_bound else True

    @property
    def cleaned(self) -> dict[str, Any]:
        if not self.form.is_bound or not self.form.is_valid():
            return {}
        return self.form.cleaned_data

    @property
    def qs(self) -> QuerySet[Project]:
        qs = self.base
        c = self.cleaned
        if c.get("q"):
            # a former name in a yearly list matches too (a subquery: no join, no DISTINCT)
            former = ProjectYear.objects.filter(name__icontains=c["q"]).values("project_id")
            qs = qs.filter(Q(name__icontains=c["q"]) | Q(code__icontains=c["q"]) | Q(pk__in=former))
        if c.get("stage"):
            qs = qs.filter(stage__in=c["stage"])
        if c.get("category"):
            qs = qs.filter(category=c["category"])
        if c.get("unit"):
            qs = qs.filter(lead_unit_id=c["unit"])
        if c.get("protected"):
            qs = qs.filter(protected=True)
        return qs.select_related("lead_unit").order_by("code")

    def rows(self, on: date, *, only: tuple[str, ...] = ()) -> list[tuple[Any, selectors.Standing]]:
        """Each filtered project with its standing; the light, stuck and problem filters apply to the
        standings (four queries whatever the number of projects). `only`: the project fields the
        caller reads (the map's few), given as named rows (`pk`, `stage_since` and those fields)
        instead of model instances, which cost more to build than the rest of the map's reads."""
        projects: list[Any]
        if only:
            projects = list(self.qs.values_list("pk", "stage_since", *only, named=True))
        else:
            projects = list(self.qs)
        figures = selectors.standings(projects, on)
        c = self.cleaned
        out = []
        for p in projects:
            s = figures[p.pk]
            if c.get("light") and s.light not in c["light"]:
                continue
            if c.get("stuck") and not s.stuck:
                continue
            if c.get("problems") and not s.open_problems:
                continue
            out.append((p, s))
        return out
