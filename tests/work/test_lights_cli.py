"""`luoshi lights --plan ID [--date]`: hand-checked lights of DESIGN.md, and a 1,000-task plan."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import base, call_command
from django.core.management.base import CommandError

from luoshi.__main__ import main
from luoshi.work import rules
from luoshi.work.models import Plan, Report, ReportState, Task
from luoshi.work.services import report_submit, task_confirm_completion
from tests.factories import Personas, claim_task
from tests.helpers import exact_queries

ON = "2024-07-01"  # 182 of 365 days into 2024: expected 49.86% for a task over the whole year


def lights(plan_id: int, day: str | None = ON) -> list[list[str]]:
    out = io.StringIO()
    args = ["lights", "--plan", str(plan_id)] + (["--date", day] if day else [])
    call_command(*args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def by_id(rows: list[list[str]]) -> dict[int, list[str]]:
    return {int(r[0]): r[1:] for r in rows[1:]}


@pytest.fixture
def scenario(p: Personas) -> dict[str, Any]:
    plan = p.plan(head_approval=False)  # monthly reports, 3 days' grace, thresholds 5 / 15

    def task(title: str, **kw: Any) -> Task:
        return p.task(plan, title=title, **kw)

    def report(t: Task, percent: int, on: str, actor: Any = None) -> None:
        report_submit(actor=actor or p.head_a, task=t, percent=percent, on=date.fromisoformat(on))

    t: dict[str, Any] = {"plan": plan}
    t["green"] = task("绿灯任务")
    report(t["green"], 47, "2024-06-20")  # lag 2.86
    t["yellow"] = task("黄灯任务")
    report(t["yellow"], 40, "2024-06-20")  # lag 9.86
    t["red"] = task("红灯任务", unit=p.unit_b)
    report(t["red"], 30, "2024-06-20", actor=p.reporter_b)  # lag 19.86
    t["overdue"] = task("逾期任务", due=date(2024, 6, 30))
    report(t["overdue"], 90, "2024-06-20")
    t["done"] = task("完成任务")
    claim_task(actor=p.reporter_a, task=t["done"])
    task_confirm_completion(actor=p.officer, task=t["done"])
    t["not_started"] = task("未开始任务", start=date(2024, 8, 1))
    t["late"] = task("迟报任务")
    report(t["late"], 50, "2024-04-20")  # April reported; May's report was due 06-03
    t["milestone"] = task(
        "节点未完成任务", milestones=[("开工", date(2024, 6, 15)), ("竣工", date(2024, 12, 31))]
    )
    report(t["milestone"], 55, "2024-06-20")
    return t


A, B = "区发展和改革局", "区财政局"


@pytest.mark.django_db
def test_hand_checked_lights(scenario: dict[str, Any]) -> None:
    rows = lights(scenario["plan"].pk)
    assert rows[0] == ["id", "title", "lead_unit", "expected_pct", "actual_pct", "light", "slack_days"]
    got = by_id(rows)
    assert len(got) == 8
    want = {
        # slack without milestones: (actual − expected) of the 365-day span, in days
        "green": ["绿灯任务", A, "49.86", "47.00", "green", "-10"],
        "yellow": ["黄灯任务", A, "49.86", "40.00", "yellow", "-36"],
        "red": ["红灯任务", B, "49.86", "30.00", "red", "-72"],
        # past due 06-30 and not closed; 10 points behind over a 181-day span
        "overdue": ["逾期任务", A, "100.00", "90.00", "overdue", "-18"],
        # closed: done, counted as 100%, no slack
        "done": ["完成任务", A, "49.86", "100.00", "done", ""],
        "not_started": ["未开始任务", A, "0.00", "0.00", "not_started", "0"],
        # ahead by 0.14 points, but May's report is missing: yellow
        "late": ["迟报任务", A, "49.86", "50.00", "yellow", "1"],
        # ahead by 5.14 points, but 开工 (06-15) passed unmet: red; its latest date is 07-01 (half the span)
        "milestone": ["节点未完成任务", A, "49.86", "55.00", "red", "0"],
    }
    for key, row in want.items():
        assert got[scenario[key].pk] == row, key


@pytest.mark.django_db
def test_lights_are_computed_for_the_date_not_read_from_storage(scenario: dict[str, Any]) -> None:
    Task.objects.filter(plan=scenario["plan"]).update(light="green", actual_pct=0, expected_pct=0)
    before_start = by_id(lights(scenario["plan"].pk, "2023-12-01"))
    assert {r[4] for k, r in before_start.items() if k != scenario["done"].pk} == {"not_started"}
    assert before_start[scenario["done"].pk][4] == "done"
    # As of 06-01 the late task is only a month behind on reporting: April was due 05-03 and filed.
    june = by_id(lights(scenario["plan"].pk, "2024-06-01"))
    assert june[scenario["late"].pk][4] == "green"
    assert june[scenario["overdue"].pk][4] == "red"  # reported 06-20 only: nothing yet as of 06-01
    assert june[scenario["milestone"].pk][2:5] == ["41.64", "0.00", "red"]  # its report came 06-20
    assert by_id(lights(scenario["plan"].pk))[scenario["late"].pk][4] == "yellow"


@pytest.mark.django_db
def test_default_date_is_today(scenario: dict[str, Any]) -> None:
    rows = by_id(lights(scenario["plan"].pk, None))
    # Today (after 2024) every open task of the 2024 plan is overdue.
    assert {r[4] for r in rows.values()} == {"overdue", "done"}


@pytest.mark.django_db
def test_unknown_plan_and_bad_date_fail_clearly(
    p: Personas, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match="no plan with id 987654"):
        call_command("lights", "--plan", "987654")
    # The console entry point exits non-zero with the message on stderr. (It closes every database
    # connection when done, which would end the test's transaction: keep this one open.)
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exc:
        main(["luoshi", "lights", "--plan", "987654"])
    assert exc.value.code != 0
    assert "no plan with id 987654" in capsys.readouterr().err
    plan = p.plan()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("lights", "--plan", str(plan.pk), "--date", "2024/07/01")


# ---------------------------------------------------------------------------------------------
# A plan of 1,000 tasks: 20 goals of 49 sub-tasks each


def build_big_plan(p: Personas) -> tuple[Plan, list[Task], list[Task], dict[int, Decimal]]:
    plan = p.plan(head_approval=False)
    parents = Task.objects.bulk_create(
        [
            Task(
                plan=plan, title=f"目标{i}", lead_unit=p.unit_a, start=plan.start, due=plan.due, code=f"G{i}"
            )
            for i in range(20)
        ]
    )
    for t in parents:
        t.path, t.depth = f"/p{plan.pk}/{t.pk}/", 0
    Task.objects.bulk_update(parents, ["path", "depth"])
    kids: list[Task] = []
    for g, parent in enumerate(parents):
        for j in range(49):
            i = g * 49 + j
            start = plan.start + timedelta(days=i % 90)
            kids.append(
                Task(
                    plan=plan,
                    parent=parent,
                    title=f"任务{g}-{j}",
                    code=f"G{g}.{j}",
                    lead_unit=p.unit_a if i % 3 else p.unit_b,
                    start=start,
                    due=start + timedelta(days=120 + i % 200),
                    weight=Decimal(1 + i % 3),
                )
            )
    kids = Task.objects.bulk_create(kids)
    for t in kids:
        t.path, t.depth = f"{t.parent.path}{t.pk}/", 1
    Task.objects.bulk_update(kids, ["path", "depth"], batch_size=500)
    percent = {t.pk: Decimal((n * 7) % 101) for n, t in enumerate(kids) if n % 4}
    Report.objects.bulk_create(
        [
            Report(
                task_id=tid,
                unit_id=p.unit_a.pk,
                author=p.head_a,
                period_end=date(2024, 6, 30),
                reported_on=date(2024, 6, 20),
                filed_on=date(2024, 6, 20),
                known_on=date(2024, 6, 20),
                percent=pct,
                state=ReportState.SUBMITTED,
            )
            for tid, pct in percent.items()
        ],
        batch_size=500,
    )
    return plan, parents, kids, percent


@pytest.mark.django_db
def test_thousand_task_plan(p: Personas) -> None:
    plan, parents, kids, percent = build_big_plan(p)
    on = date.fromisoformat(ON)
    began = time.perf_counter()
    with exact_queries("work.lights_cli[1000 tasks]") as counted:  # a fixed number, whatever the plan's size
        rows = lights(plan.pk)
    assert counted.count <= 10
    elapsed = time.perf_counter() - began
    print(f"\nluoshi lights: 1,000 tasks in {elapsed:.2f} s")
    got = by_id(rows)
    assert len(got) == 1000
    # A sample of sub-tasks against the rules applied by hand.
    expect: dict[int, tuple[Decimal, Decimal]] = {}
    for t in kids:
        expected = rules.expected_by_time(t.start, t.due, on)
        actual = percent.get(t.pk, Decimal(0))
        expect[t.pk] = (expected, actual)
    for t in kids[::37]:
        expected, actual = expect[t.pk]
        late = rules.is_report_late_now(
            cadence="monthly",
            start=t.start,
            due=t.due,
            reported_periods=[date(2024, 6, 30)] if t.pk in percent else [],
            on=on,
            grace_days=3,
            cascade_days=2,
            levels_below_top=1,
        )
        light = rules.light(
            on=on, start=t.start, due=t.due, closed=False, expected=expected, actual=actual, report_late=late
        )
        slack = rules.slack_days(on=on, start=t.start, due=t.due, expected=expected, actual=actual)
        unit = "区发展和改革局" if t.lead_unit_id == p.unit_a.pk else "区财政局"
        assert got[t.pk] == [t.title, unit, f"{expected:.2f}", f"{actual:.2f}", light, str(slack)]
    # Goals: the weighted rollup of their sub-tasks; no report of their own, so at least yellow.
    for parent in parents[::5]:
        children = [t for t in kids if t.parent_id == parent.pk]
        actual = rules.rollup([(t.weight, expect[t.pk][1]) for t in children])
        expected = rules.rollup([(t.weight, expect[t.pk][0]) for t in children])
        assert actual is not None and expected is not None
        row = got[parent.pk]
        assert row[2:4] == [f"{expected:.2f}", f"{actual:.2f}"]
        assert row[4] == rules.worst([rules.lag_light(expected, actual), rules.YELLOW])
