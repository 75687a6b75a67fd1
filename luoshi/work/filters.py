"""One FilterSet for the task list, shared by the HTML page, the API and the Excel export.

    f = TaskFilter(request.GET, user=request.user)
    if f.is_valid(): rows = f.qs

Text search (`q`) matches title, code and lead unit by Chinese text, full pinyin or initials
("fgj" finds 发改局): each whitespace-separated term must occur in the task's search text
(`lib/search.py`: indexed on PostgreSQL). Without a chosen sort, matches come best first: the
exact code, then titles starting with the query, titles holding it, the lead unit's name, the rest.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_DATE, MAX_ID, MAX_SEARCH, MIN_DATE
from luoshi.lib.search import matches
from luoshi.org.models import Unit

from .models import Light, Status, Task, TaskUnit
from .selectors_search import search_rank

SORTS = {
    "due": ("due", "id"),
    "-due": ("-due", "-id"),
    "light": ("light", "id"),
    "actual": ("actual_pct", "id"),
    "-actual": ("-actual_pct", "id"),
    "lag": ("actual_pct", "-expected_pct", "id"),
    "slack": ("slack_days", "id"),
    "title": ("title", "id"),
    "code": ("plan_id", "sort_path"),
}


class IdField(forms.IntegerField):
    """A record id: 1 … 2**63 - 1, so a huge number is a form error rather than a database overflow."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class DayField(forms.DateField):
    """A date the rules can compute with (MIN_DATE … MAX_DATE)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(MIN_DATE), MaxValueValidator(MAX_DATE)]


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=MAX_SEARCH)
    plan = IdField(label=_("计划"), required=False)
    unit = IdField(label=_("单位"), required=False)
    leader = IdField(label=_("责任领导"), required=False)
    person = IdField(label=_("责任人"), required=False)
    parent = IdField(label=_("上级任务"), required=False)
    light = forms.MultipleChoiceField(label=_("亮灯"), required=False, choices=Light.choices)
    status = forms.MultipleChoiceField(label=_("状态"), required=False, choices=Status.choices)
    due_from = DayField(label=_("时限起"), required=False)
    due_to = DayField(label=_("时限止"), required=False)
    open = forms.BooleanField(label=_("仅未销号"), required=False)
    leaf = forms.BooleanField(label=_("仅末级任务（统计口径）"), required=False)
    lead = forms.BooleanField(label=_("单位仅指牵头单位"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[(k, k) for k in SORTS])


class TaskFilter:
    """Filters the tasks `user` may see; `qs` is the filtered, ordered queryset."""

    form_class = TaskFilterForm

    def __init__(self, data: Any, *, user: Any, queryset: Any = None) -> None:
        self.user = user
        self.form = self.form_class(data or None)
        self.base = queryset if queryset is not None else Task.objects.visible_to(user)

    def is_valid(self) -> bool:
        return self.form.is_valid() if self.form.is_bound else True

    @property
    def errors(self) -> Any:
        return self.form.errors

    @property
    def cleaned(self) -> dict[str, Any]:
        if not self.form.is_bound:
            return {}
        if not hasattr(self.form, "cleaned_data"):
            self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def filter_queryset(self, qs: Any, cleaned: dict[str, Any] | None = None) -> Any:
        """`qs` narrowed by every filter in `cleaned` (default: the form's); all filters combine with AND."""
        c = self.cleaned if cleaned is None else cleaned
        if c.get("plan"):
            qs = qs.filter(plan_id=c["plan"])
        if c.get("unit") and c.get("lead"):
            # As the dashboard, bulletin and API roll-up count per unit: the tasks the unit itself leads.
            qs = qs.filter(lead_unit_id=c["unit"])
        elif c.get("unit"):
            units = list(Unit.objects.subtree([c["unit"]]).values_list("pk", flat=True))
            qs = qs.filter(
                Q(lead_unit_id__in=units)
                | Exists(TaskUnit.objects.filter(task_id=OuterRef("pk"), unit_id__in=units))
            )
        if c.get("leaf"):
            qs = qs.counted()
        if c.get("leader"):
            qs = qs.filter(responsible_leader_id=c["leader"])
        if c.get("person"):
            qs = qs.filter(responsible_person_id=c["person"])
        if c.get("parent"):
            qs = qs.filter(parent_id=c["parent"])
        if c.get("light"):
            qs = qs.filter(light__in=c["light"])
        if c.get("status"):
            qs = qs.filter(status__in=c["status"])
        if c.get("open"):
            qs = qs.exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        if c.get("due_from"):
            qs = qs.filter(due__gte=c["due_from"])
        if c.get("due_to"):
            qs = qs.filter(due__lte=c["due_to"])
        if c.get("q"):
            qs = qs.filter(matches("search_text", c["q"]))
        return qs

    def without(self, *names: str) -> Any:
        """The queryset filtered by everything except `names` (for facet counts of those fields)."""
        rest = {k: v for k, v in self.cleaned.items() if k not in names}
        return self.filter_queryset(self.base, rest)

    @property
    def qs(self) -> Any:
        qs = self.filter_queryset(self.base)
        sort = self.cleaned.get("sort")
        q = (self.cleaned.get("q") or "").strip()
        if q and not sort:
            # Best match first (search_rank), then the natural order of codes.
            return qs.alias(search_rank=search_rank(q)).order_by("search_rank", *SORTS["code"])
        return qs.order_by(*SORTS[sort or "code"])
