"""TaskFilter, the one FilterSet behind the task list page, the API and the Excel export."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django import forms
from django.http import QueryDict

from luoshi.work.filters import TaskFilter
from luoshi.work.models import Light, Status, Task
from tests.factories import Personas, make_unit


def qd(**params: Any) -> QueryDict:
    """A query string as the page sends it: list values repeat their key."""
    q = QueryDict(mutable=True)
    for key, value in params.items():
        q.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return q


@pytest.fixture
def tasks(p: Personas) -> dict[str, Any]:
    plan = p.plan(name="2024年度目标任务")
    other_plan = p.plan(name="大干60天")
    street = make_unit("城东街道", parent=p.unit_a, code="CD")  # below A: A's subtree
    t = {
        "plan": plan,
        "other_plan": other_plan,
        "street": street,
        "kaigong": p.task(
            plan,
            title="推进重点项目开工",
            code="1",
            due=date(2024, 6, 30),
            responsible_leader=p.leader.person,
            responsible_person=p.head_a.person,
        ),
        "yongdi": p.task(plan, title="完成用地审批", code="2", due=date(2024, 9, 30)),
        "zichan": p.task(plan, unit=p.unit_b, title="盘活国有资产", code="3", due=date(2024, 3, 31)),
        "zhaoshang": p.task(plan, unit=p.unit_b, title="联合招商引资", code="4", co_units=[p.unit_a]),
        "jiedao": p.task(plan, unit=street, title="老旧小区改造", code="5", due=date(2024, 12, 31)),
        "sprint": p.task(other_plan, title="重点项目百日攻坚", due=date(2024, 8, 31)),
    }
    lights = {
        "kaigong": Light.RED,
        "yongdi": Light.GREEN,
        "zichan": Light.YELLOW,
        "zhaoshang": Light.RED,
        "jiedao": Light.OVERDUE,
        "sprint": Light.RED,
    }
    for key, light in lights.items():
        Task.objects.filter(pk=t[key].pk).update(light=light)
    Task.objects.filter(pk=t["zichan"].pk).update(status=Status.CLOSED, light=Light.DONE)
    Task.objects.filter(pk=t["jiedao"].pk).update(status=Status.SUSPENDED)
    return t


def found(t: dict[str, Any], user: Any, **params: Any) -> set[str]:
    f = TaskFilter(qd(**params), user=user)
    assert f.is_valid(), f.errors
    names = {v.pk: k for k, v in t.items() if isinstance(v, Task)}
    return {names[pk] for pk in f.qs.values_list("pk", flat=True)}


ALL = {"kaigong", "yongdi", "zichan", "zhaoshang", "jiedao", "sprint"}


@pytest.mark.django_db
class TestSearch:
    def test_initials_of_the_lead_unit(self, p: Personas, tasks: dict[str, Any]) -> None:
        # 'fgj' = 发改局: tasks led by unit A (not the co-unit task led by 财政局, not the street's).
        assert found(tasks, p.officer, q="fgj") == {"kaigong", "yongdi", "sprint"}

    def test_full_pinyin_of_the_lead_unit(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, q="fagai") == {"kaigong", "yongdi", "sprint"}
        assert found(tasks, p.officer, q="FaGaiJu") == {"kaigong", "yongdi", "sprint"}
        assert found(tasks, p.officer, q="caizheng") == {"zichan", "zhaoshang"}

    def test_chinese_substrings(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, q="发改") == {"kaigong", "yongdi", "sprint"}
        assert found(tasks, p.officer, q="发展和改革") == {"kaigong", "yongdi", "sprint"}
        assert found(tasks, p.officer, q="重点项目") == {"kaigong", "sprint"}
        assert found(tasks, p.officer, q="招商") == {"zhaoshang"}
        assert found(tasks, p.officer, q="城东") == {"jiedao"}

    def test_title_pinyin_and_code(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, q="zdxm") == {"kaigong", "sprint"}  # 重点项目
        assert found(tasks, p.officer, q="kaigong") == {"kaigong"}
        assert found(tasks, p.officer, q="5", plan=tasks["plan"].pk) == {"jiedao"}

    def test_terms_combine_with_and(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, q="fgj 开工") == {"kaigong"}
        assert found(tasks, p.officer, q="重点  gongjian") == {"sprint"}
        assert found(tasks, p.officer, q="fgj 招商") == set()

    def test_no_match_and_blank(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, q="不存在的任务") == set()
        assert found(tasks, p.officer, q="   ") == ALL


@pytest.mark.django_db
class TestFields:
    def test_plan(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, plan=tasks["other_plan"].pk) == {"sprint"}
        assert found(tasks, p.officer, plan=tasks["plan"].pk) == ALL - {"sprint"}

    def test_unit_covers_subtree_and_co_units(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, unit=p.unit_a.pk) == {
            "kaigong",
            "yongdi",
            "zhaoshang",
            "jiedao",
            "sprint",
        }
        assert found(tasks, p.officer, unit=tasks["street"].pk) == {"jiedao"}
        assert found(tasks, p.officer, unit=p.unit_b.pk) == {"zichan", "zhaoshang"}

    def test_leader_and_person(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, leader=p.leader.person.pk) == {"kaigong"}
        assert found(tasks, p.officer, person=p.head_a.person.pk) == {"kaigong"}
        assert found(tasks, p.officer, person=p.reporter_a.person.pk) == set()

    def test_parent(self, p: Personas, tasks: dict[str, Any]) -> None:
        child = p.task(tasks["plan"], title="子任务", parent=tasks["kaigong"])
        f = TaskFilter(qd(parent=tasks["kaigong"].pk), user=p.officer)
        assert list(f.qs.values_list("pk", flat=True)) == [child.pk]

    def test_light_repeats(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, light="red") == {"kaigong", "zhaoshang", "sprint"}
        assert found(tasks, p.officer, light=["yellow", "green"]) == {"yongdi"}
        assert found(tasks, p.officer, light=["done", "overdue"]) == {"zichan", "jiedao"}

    def test_status_repeats_and_open(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, status="closed") == {"zichan"}
        assert found(tasks, p.officer, status=["closed", "suspended"]) == {"zichan", "jiedao"}
        assert found(tasks, p.officer, open="true") == ALL - {"zichan"}
        assert found(tasks, p.officer, open="false") == ALL

    def test_due_range_is_inclusive(self, p: Personas, tasks: dict[str, Any]) -> None:
        assert found(tasks, p.officer, due_from="2024-06-30", due_to="2024-09-30") == {
            "kaigong",
            "yongdi",
            "sprint",
        }
        assert found(tasks, p.officer, due_to="2024-03-31") == {"zichan"}
        assert found(tasks, p.officer, due_from="2024-12-31") == {"zhaoshang", "jiedao"}


@pytest.mark.django_db
class TestCombined:
    def test_filters_combine_with_and(self, p: Personas, tasks: dict[str, Any]) -> None:
        plan = tasks["plan"].pk
        assert found(tasks, p.officer, plan=plan, light="red") == {"kaigong", "zhaoshang"}
        assert found(tasks, p.officer, plan=plan, light="red", q="fgj") == {"kaigong"}
        assert found(tasks, p.officer, plan=plan, light="red", unit=p.unit_b.pk) == {"zhaoshang"}
        assert found(tasks, p.officer, light=["red", "done"], open="on") == {"kaigong", "zhaoshang", "sprint"}
        assert found(tasks, p.officer, q="重点", due_to="2024-07-31") == {"kaigong"}
        assert found(tasks, p.officer, plan=plan, light="red", due_from="2024-07-01", q="fgj") == set()

    def test_visibility_comes_first(self, p: Personas, tasks: dict[str, Any]) -> None:
        # Reporter B sees B's tasks (incl. the one with A as co-unit), whatever the filter asks.
        assert found(tasks, p.reporter_b) == {"zichan", "zhaoshang"}
        assert found(tasks, p.reporter_b, q="fgj") == set()
        assert found(tasks, p.reporter_b, unit=p.unit_a.pk) == {"zhaoshang"}
        assert found(tasks, p.reporter_a, q="zdxm") == {"kaigong", "sprint"}
        assert found(tasks, p.reporter_a, unit=p.unit_b.pk) == {"zhaoshang"}
        assert found(tasks, p.leader, light="red") == {"kaigong", "zhaoshang", "sprint"}

    def test_queryset_narrows_the_base(self, p: Personas, tasks: dict[str, Any]) -> None:
        base = Task.objects.filter(plan=tasks["other_plan"])
        f = TaskFilter(qd(light="red"), user=p.officer, queryset=base)
        assert list(f.qs) == [tasks["sprint"]]

    def test_without_drops_only_the_named_filters(self, p: Personas, tasks: dict[str, Any]) -> None:
        f = TaskFilter(qd(plan=tasks["plan"].pk, light="red", status="in_progress"), user=p.officer)
        assert f.is_valid()
        names = {v.pk: k for k, v in tasks.items() if isinstance(v, Task)}
        facet = {names[pk] for pk in f.without("light").values_list("pk", flat=True)}
        assert facet == {"kaigong", "yongdi", "zhaoshang"}
        both = {names[pk] for pk in f.without("light", "status").values_list("pk", flat=True)}
        assert both == ALL - {"sprint"}
        # The full filter is untouched by the facet queries.
        assert {names[pk] for pk in f.qs.values_list("pk", flat=True)} == {"kaigong", "zhaoshang"}

    def test_sorts(self, p: Personas, tasks: dict[str, Any]) -> None:
        plan = tasks["plan"].pk
        by_due = TaskFilter(qd(plan=plan, sort="due"), user=p.officer).qs
        dues = [t.due for t in by_due]
        assert dues == sorted(dues)
        by_due_desc = [t.due for t in TaskFilter(qd(plan=plan, sort="-due"), user=p.officer).qs]
        assert by_due_desc == sorted(dues, reverse=True)
        by_code = [t.code for t in TaskFilter(qd(plan=plan), user=p.officer).qs]
        assert by_code == ["1", "2", "3", "4", "5"]

    def test_unbound_means_everything_visible(self, p: Personas, tasks: dict[str, Any]) -> None:
        for data in (None, {}, QueryDict()):
            f = TaskFilter(data, user=p.reporter_b)
            assert f.is_valid()
            assert set(f.qs) == set(Task.objects.visible_to(p.reporter_b))
            assert isinstance(f.form, forms.Form)
            assert f.without("light").count() == 2


@pytest.mark.django_db
def test_invalid_input_is_reported_per_field(p: Personas, tasks: dict[str, Any]) -> None:
    f = TaskFilter(
        qd(due_from="2024-02-30", light=["red", "purple"], status="lost", sort="random", plan="x"),
        user=p.officer,
    )
    assert not f.is_valid()
    assert set(f.errors) == {"due_from", "light", "status", "sort", "plan"}
    # Valid fields still apply, so facets and exports of a half-valid query stay sensible.
    ok = TaskFilter(qd(due_from="bad", light="red"), user=p.officer)
    assert not ok.is_valid()
    assert {t.light for t in ok.qs} == {Light.RED}
