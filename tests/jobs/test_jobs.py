"""The daily tick (每日巡检): stored lights, late reports and light counts; idempotent and claimed."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.jobs import periodic
from luoshi.jobs import services as jobs
from luoshi.jobs.models import TickRun
from luoshi.jobs.tasks import TICK_AT, daily_at, daily_tick, tick_for
from luoshi.notify.models import FollowedLight, Notification
from luoshi.work import periodic as work_periodic
from luoshi.work import rules
from luoshi.work.models import Follow, LateReport, LightCount, Plan, Task
from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit
from tests.factories import Personas

DAY = date(2024, 7, 1)


@pytest.fixture
def plan(p: Personas) -> Plan:
    plan = p.plan(head_approval=False)  # monthly reports, 3 days' grace
    on_time = p.task(plan, title="按时填报")
    for month in range(1, 7):
        report_submit(actor=p.head_a, task=on_time, percent=8 * month - 1, on=date(2024, month, 20))
    never = p.task(plan, title="从未填报")  # late every month from January
    Follow.objects.create(user=p.leader, task=never)
    behind = p.task(plan, title="严重滞后", unit=p.unit_b)
    report_submit(actor=p.reporter_b, task=behind, percent=10, on=date(2024, 6, 20))
    return plan


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the tick may touch."""
    models = [Task, LateReport, LightCount, Notification, FollowedLight, Entry, TickRun]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.mark.django_db
def test_tick_writes_lights_late_reports_counts_and_one_audit_entry(p: Personas, plan: Plan) -> None:
    entries = Entry.objects.count()
    result = jobs.tick_run(on=DAY)
    assert result.ran and result.plans == 1
    lights = dict(Task.objects.filter(plan=plan).values_list("title", "light"))
    assert lights == {"按时填报": "green", "从未填报": "red", "严重滞后": "red"}
    stored = Task.objects.get(title="按时填报")
    assert (str(stored.expected_pct), str(stored.actual_pct), stored.light_on) == ("49.86", "47.00", DAY)
    # January to May closed without a report (June's is due 07-03); 严重滞后 reported only in June.
    late = LateReport.objects.order_by("task_id", "period_end")
    assert [(r.task.title, r.period_end.month, r.due_on) for r in late] == [
        (title, m, rules.report_due(rules.month_end(date(2024, m, 1)), grace_days=3))
        for title in ("从未填报", "严重滞后")
        for m in (1, 2, 3, 4, 5)
    ]
    counts = {(c.unit_id, c.light): c.count for c in LightCount.objects.filter(plan=plan, day=DAY)}
    assert counts == {(p.unit_a.pk, "green"): 1, (p.unit_a.pk, "red"): 1, (p.unit_b.pk, "red"): 1}
    audit = Entry.objects.order_by("-id").first()
    assert Entry.objects.count() == entries + 1
    assert audit is not None and audit.action == "jobs.tick.ran" and audit.object_id == "2024-07-01"
    assert audit.data["late_reports"] == 10 and audit.data["lights_changed"] == 3
    run = TickRun.objects.get(day=DAY)
    assert run.lease_token is None and run.finished_at is not None


@pytest.mark.django_db
def test_tick_twice_for_the_same_day_changes_nothing(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.tick_run(on=DAY)
    assert first.changed > 0
    # The followed task changed light: its follower's notice is staged (told once the day is over).
    assert FollowedLight.objects.filter(user=p.leader, changed_at__isnull=False).exists()
    after_first = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        second = jobs.tick_run(on=DAY)
    assert second.ran and second.changed == 0
    assert snapshot() == after_first  # not a row added, removed or altered, not even an audit entry


@pytest.mark.django_db
def test_tick_again_after_news_changes_only_what_changed(p: Personas, plan: Plan) -> None:
    jobs.tick_run(on=DAY)
    entries = Entry.objects.count()
    task = Task.objects.get(title="严重滞后")
    report_submit(actor=p.reporter_b, task=task, percent=45, on=DAY)
    counts_before = LightCount.objects.filter(plan=plan, day=DAY).count()
    result = jobs.tick_run(on=DAY)
    # report_submit refreshed the task itself; the tick's own change is the light count of unit B.
    assert result.light_counts_changed > 0 and result.lights_changed == 0
    assert Entry.objects.count() == entries + 2  # the report's entry and the tick's
    counts = {(c.unit_id, c.light): c.count for c in LightCount.objects.filter(plan=plan, day=DAY)}
    assert counts[(p.unit_b.pk, "green")] == 1 and (p.unit_b.pk, "red") not in counts
    assert LightCount.objects.filter(plan=plan, day=DAY).count() == counts_before


@pytest.mark.django_db
def test_light_counts_match_the_engine(p: Personas, plan: Plan) -> None:
    for day in (date(2024, 3, 15), DAY, date(2025, 1, 2)):
        jobs.tick_run(on=day)
        want = Counter((r.lead_unit_id, r.light) for r in compute_lights(plan_id=plan.pk, on=day))
        got = {(c.unit_id, c.light): c.count for c in LightCount.objects.filter(plan=plan, day=day)}
        assert got == dict(want)
    assert {c.light for c in LightCount.objects.filter(day=date(2025, 1, 2))} == {"overdue"}


@pytest.mark.django_db
def test_inactive_plans_are_skipped(p: Personas, plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(is_active=False)
    result = jobs.tick_run(on=DAY)
    assert result.plans == 0 and result.changed == 0
    assert not LightCount.objects.exists() and not LateReport.objects.exists()
    assert not Entry.objects.filter(action="jobs.tick.ran").exists()


@pytest.mark.django_db
def test_a_day_held_by_another_worker_is_skipped(p: Personas, plan: Plan) -> None:
    TickRun.objects.create(
        day=DAY, lease_token="other-worker", lease_until=timezone.now() + timedelta(minutes=5)
    )
    before = snapshot()
    result = jobs.tick_run(on=DAY)
    assert not result.ran
    assert snapshot() == before
    with pytest.raises(CommandError, match="already running"):
        call_command("tick", "--date", "2024-07-01", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_stale_lease_is_taken_over(p: Personas, plan: Plan) -> None:
    TickRun.objects.create(
        day=DAY, lease_token="dead-worker", lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert jobs.tick_run(on=DAY).ran
    run = TickRun.objects.get(day=DAY)
    assert run.lease_token is None and LightCount.objects.filter(day=DAY).exists()


@pytest.mark.django_db
def test_a_failed_run_writes_nothing_and_releases_the_day(
    p: Personas, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kw: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(work_periodic, "mark_late_reports", broken)
    before = Task.objects.order_by("pk").values_list("light", flat=True)
    before_lights = list(before)
    with pytest.raises(RuntimeError):
        jobs.tick_run(on=DAY)
    assert list(before) == before_lights  # the lights written before the failure were rolled back
    assert not LightCount.objects.exists() and not LateReport.objects.exists()
    assert TickRun.objects.get(day=DAY).lease_token is None
    monkeypatch.undo()
    assert jobs.tick_run(on=DAY).changed > 0


@pytest.mark.django_db
def test_tick_command(p: Personas, plan: Plan) -> None:
    out = io.StringIO()
    call_command("tick", "--date", "2024-07-01", stdout=out)
    assert out.getvalue().startswith("tick 2024-07-01: 1 plans,")
    assert LightCount.objects.filter(day=DAY).exists()
    out = io.StringIO()
    call_command("tick", "--date", "2024-07-01", stdout=out)
    assert "0 lights changed, 0 late reports recorded, 0 light counts changed" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("tick", "--date", "01/07/2024")


@pytest.mark.django_db
def test_tick_task_runs_on_the_worker(p: Personas, plan: Plan) -> None:
    result = tick_for.call_local("2024-07-01")
    assert result["ran"] is True and result["day"] == "2024-07-01"
    assert LightCount.objects.filter(day=DAY).exists()


@pytest.mark.parametrize(
    ("utc", "fires"),
    [
        (dt.datetime(2024, 6, 30, 17, 30), True),  # 01:30 in Shanghai on 07-01
        (dt.datetime(2024, 12, 31, 17, 30), True),
        (dt.datetime(2024, 7, 1, 1, 30), False),  # 01:30 UTC is 09:30 in Shanghai
        (dt.datetime(2024, 6, 30, 17, 31), False),
        (dt.datetime(2024, 6, 30, 18, 30), False),
    ],
)
def test_daily_tick_fires_at_half_past_one_local_time(utc: dt.datetime, fires: bool) -> None:
    assert TICK_AT == (1, 30)
    assert daily_at(*TICK_AT)(utc) is fires
    assert daily_tick.task_class().validate_datetime(utc) is fires


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_day() -> None:
    barrier = threading.Barrier(8)
    tokens: list[str | None] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            token = jobs._claim(DAY)
            with lock:
                tokens.append(token)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(tokens) == 8
    assert sum(t is not None for t in tokens) == 1
    assert TickRun.objects.get(day=DAY).lease_token in tokens


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tick_on_two_threads_equals_the_tick_on_one(p: Personas, plan: Plan) -> None:
    """Plans ticked in parallel threads (each its own connection and transaction) store exactly what
    a one-thread tick stores: the same lights, late reports and counts, in every table."""
    second = p.plan(head_approval=False, name="第二个计划")
    other = p.task(second, title="另一计划的任务")
    report_submit(actor=p.head_a, task=other, percent=30, on=date(2024, 6, 20))
    assert not connection.in_atomic_block and periodic.tick_threads() == 2
    stored = ("light", "light_on", "actual_pct", "expected_pct", "slack_days")
    before = list(Task.objects.values("pk", *stored))

    threaded = work_periodic.tick_plans(DAY, threads=2)
    after_threads = snapshot()
    # The second plan's task reported only in June: January to May are late there too.
    assert threaded.plans == 2 and threaded.late_reports == 10 + 5 and threaded.lights_changed >= 4
    assert dict(Task.objects.filter(plan=plan).values_list("title", "light")) == {
        "按时填报": "green",
        "从未填报": "red",
        "严重滞后": "red",
    }
    # Undo what the tick wrote, then tick again on one thread.
    LateReport.objects.all().delete()
    LightCount.objects.all().delete()
    Notification.objects.all().delete()
    for row in before:  # the stored lights as they were before the first tick
        Task.objects.filter(pk=row.pop("pk")).update(**row)
    Plan.objects.update(late_checked_on=None)  # and no late check yet
    single = work_periodic.tick_plans(DAY, threads=1)
    assert (single.lights_changed, single.late_reports) == (threaded.lights_changed, threaded.late_reports)

    def comparable(snap: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        drop = {"id", "created", "created_at", "at", "seq", "hash", "prev_hash"}
        return {
            name: sorted(str({k: v for k, v in row.items() if k not in drop}) for row in rows)
            for name, rows in snap.items()
            if name in {"Task", "LateReport", "LightCount", "Notification"}
        }

    assert comparable(snapshot()) == comparable(after_threads)
