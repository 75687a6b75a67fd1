"""Statements compiled once (`luoshi.lib.compiled`): the id is put in its one place, nothing else
changes, and a statement whose id is not exactly one parameter is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.lib import compiled
from luoshi.work.models import Task
from luoshi.work.services import report_approve, report_submit
from luoshi.work.services.lights import figures_refresh


def test_the_id_goes_in_its_one_place_and_a_statement_without_it_is_refused():
    sql, params = compiled.statement("test.one", 42, lambda i: ("SELECT %s, %s", ["x", i]))
    assert (sql, params) == ("SELECT %s, %s", ["x", 42])
    assert compiled.statement("test.one", 7, lambda i: ("never built again", []))[1] == ["x", 7]
    with pytest.raises(ValueError, match="found 0"):
        compiled.statement("test.none", 1, lambda i: ("SELECT 1", []))
    with pytest.raises(ValueError, match="found 2"):
        compiled.statement("test.two", 1, lambda i: ("SELECT %s, %s", [i, i]))


@pytest.mark.django_db
def test_one_task_s_figures_compiled_are_the_orm_update_s(p):
    """`figures_refresh([id])` runs the compiled statement; the set-based UPDATE of several ids is the
    ORM's. Both store the same figures for the same task."""
    plan = p.plan()
    a, b = p.task(plan, title="甲"), p.task(plan, title="乙")
    for task, pct in ((a, 30), (b, 55)):
        report = report_submit(actor=p.reporter_a, task=task, percent=pct, on=date(2024, 6, 15))
        report_approve(actor=p.head_a, report=report, on=date(2024, 6, 15))
    fields = ("known_percent", "known_value", "known_period", "known_last_on", "known_through")
    stored = {t["id"]: t for t in Task.objects.filter(pk__in=[a.pk, b.pk]).values("id", *fields)}
    assert stored[a.pk]["known_percent"] == 30
    assert stored[b.pk]["known_through"] == date(2024, 6, 15)
    Task.objects.filter(pk__in=[a.pk, b.pk]).update(**dict.fromkeys(fields))
    assert figures_refresh([b.pk]) == 1  # compiled
    one = {t["id"]: t for t in Task.objects.filter(pk__in=[a.pk, b.pk]).values("id", *fields)}
    assert one[b.pk] == stored[b.pk]
    assert one[a.pk] == {"id": a.pk, **dict.fromkeys(fields)}  # only the id given
    Task.objects.filter(pk=b.pk).update(**dict.fromkeys(fields))
    assert figures_refresh([a.pk, b.pk]) == 2  # the ORM's
    again = {t["id"]: t for t in Task.objects.filter(pk__in=[a.pk, b.pk]).values("id", *fields)}
    assert again == stored


@pytest.mark.django_db
def test_compiled_rows_are_the_orm_s_for_every_argument(p):
    """`compiled.rows` runs the SQL compiled for the first call with each later call's ids and days
    in their places (on PostgreSQL; elsewhere the ORM's own): the rows equal the ORM's every time,
    for arguments used more than once (a day in two conditions) and in any order."""
    from luoshi.work.models import Report
    from luoshi.work.services.reports import _previous_one

    plan = p.plan()
    a, b = p.task(plan, title="甲"), p.task(plan, title="乙")
    for day, pct in ((date(2024, 3, 31), 20), (date(2024, 6, 30), 45)):
        report_submit(actor=p.head_a, task=a, percent=pct, period=day, on=day)
    report_submit(actor=p.head_a, task=b, percent=70, period=date(2024, 6, 30), on=date(2024, 7, 3))
    cases = [
        (a.pk, date(2024, 6, 30), date(2024, 7, 1)),  # the June report
        (a.pk, date(2024, 3, 31), date(2024, 7, 1)),  # the March one: June's period is later
        (a.pk, date(2024, 6, 30), date(2024, 5, 1)),  # known by May: March's
        (b.pk, date(2024, 6, 30), date(2024, 7, 2)),  # not known yet
        (b.pk, date(2024, 6, 30), date(2024, 7, 3)),
    ]
    seen = set()
    for args in cases:
        got = compiled.rows("test.previous", _previous_one, *args)
        assert got == list(_previous_one(*args)), args
        seen.add(tuple(got))
    assert len(seen) == 4  # the cases tell the reports apart
    assert Report.objects.count() == 3


def test_compiled_rows_refuse_what_cannot_be_put_in_place(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the ORM runs the query itself")
    with pytest.raises(TypeError, match="an int, a date or a text"):
        compiled.rows("test.decimal", lambda x: Task.objects.filter(weight=x).values_list("pk"), Decimal(1))
    with pytest.raises(ValueError, match=r"arguments \[1\] are not parameters"):
        compiled.rows("test.unused", lambda i, j: Task.objects.filter(pk=i).values_list("pk"), 1, 2)


@pytest.mark.django_db
def test_compiled_rows_convert_columns_as_the_orm_does(p):
    """A JSON column comes back parsed and an encrypted one decrypted, as from the ORM: the task a
    report is filed for, read with its plan and unit by a compiled statement, equals
    `select_related`'s, field by field."""
    from luoshi.org.models import Person, Unit
    from luoshi.work.models import Plan
    from luoshi.work.services.reports import _task_with_plan_and_unit

    plan = p.plan()
    task = p.task(
        plan,
        title="新增就业",
        metric_name="新增就业",
        baseline=Decimal(0),
        target=Decimal(1200),
        monthly_plan={"2024-01": 100, "2024-02": 200},
    )
    for _ in range(2):  # compiled on the first call, run again on the second
        got = _task_with_plan_and_unit(task.pk)
        want = Task.objects.select_related("plan", "lead_unit").get(pk=task.pk)
        for model, a, b in (
            (Task, got, want),
            (Plan, got.plan, want.plan),
            (Unit, got.lead_unit, want.lead_unit),
        ):
            assert [getattr(a, c) for c in compiled.columns(model)] == [
                getattr(b, c) for c in compiled.columns(model)
            ]
    assert got.monthly_plan == {"2024-01": 100, "2024-02": 200}
    with pytest.raises(Task.DoesNotExist):
        _task_with_plan_and_unit(987654)
    person = Person.objects.create(name="张三", phone="13800138000")
    rows = compiled.rows("test.phone", lambda i: Person.objects.filter(pk=i).values_list("phone"), person.pk)
    assert rows == [("13800138000",)]
