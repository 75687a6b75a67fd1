"""Early warning services: the daily levels step, the flags step, the office's decision on a flag, plan
settings — permission, validation, audit, idempotence."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from luoshi.alerts import rules
from luoshi.alerts.models import Flag, FlagState, PlanSettings, Warning
from luoshi.alerts.services import flag_decide, flags_step, plan_settings_save, warnings_step
from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, NotAllowed
from luoshi.work.services import report_return, report_submit
from luoshi.work.services.lights import mark_late_reports
from luoshi.work.services.manage import milestone_create
from luoshi.work.services.milestones import milestone_meet
from tests.factories import Personas, evidence

HONEST = "3月15日在金银湖街道召开推进会，完成征地120亩，《实施方案》已印发，污水处理厂项目已开工。"
EMPTY = "高度重视，提高政治站位，强化组织领导，压实工作责任，扎实推进各项工作。"


@pytest.mark.django_db
def test_late_reports_make_a_level_with_its_reasons_and_the_step_is_idempotent(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan, title="优化营商环境", responsible_person=p.head_a.person)
    day = date(2024, 4, 10)
    mark_late_reports(plan_id=plan.pk, on=day)  # January, February and March are late
    summary = warnings_step(day)
    w = Warning.objects.get(day=day, subject="unit", unit=p.unit_a)
    # The default window is 28 days: only March's deadline (April 3) counts.
    assert w.level == rules.BLUE and w.score == Decimal(2)
    assert [r["kind"] for r in w.reasons] == ["late_report"]
    assert w.reasons[0]["link"] == f"/work/tasks/{task.pk}/"
    person = Warning.objects.get(day=day, subject="person", person=p.head_a.person)
    assert person.unit_id == p.unit_a.pk and person.level == rules.BLUE
    assert summary["unit_blue"] == 1
    warnings_step(day)
    assert Warning.objects.filter(day=day).count() == 2


@pytest.mark.django_db
def test_plan_settings_widen_the_window_and_lower_the_thresholds(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    p.task(plan)
    day = date(2024, 4, 10)
    mark_late_reports(plan_id=plan.pk, on=day)
    plan_settings_save(
        actor=p.officer,
        plan=plan,
        window_days=70,
        blue=Decimal(1),
        yellow=Decimal(2),
        orange=Decimal(4),
        red=Decimal(6),
    )
    warnings_step(day)
    w = Warning.objects.get(day=day, subject="unit", unit=p.unit_a)
    assert w.score == Decimal(6) and w.level == rules.RED  # three late periods x 2
    assert Entry.objects.filter(action="alerts.settings.saved").count() == 1


@pytest.mark.django_db
def test_plan_settings_refused(p: Personas) -> None:
    plan = p.plan()
    with pytest.raises(NotAllowed):
        plan_settings_save(actor=p.leader, plan=plan, window_days=28, blue=1, yellow=2, orange=3, red=4)
    with pytest.raises(InvalidField) as e:
        plan_settings_save(actor=p.officer, plan=plan, window_days=28, blue=5, yellow=2, orange=3, red=4)
    assert e.value.field == "thresholds"
    with pytest.raises(InvalidField):
        plan_settings_save(
            actor=p.officer,
            plan=plan,
            window_days=28,
            blue=1,
            yellow=2,
            orange=3,
            red=4,
            weights={"absence": -1},
        )
    assert not PlanSettings.objects.exists()


@pytest.mark.django_db
def test_returned_report_is_a_slip(p: Personas) -> None:
    plan = p.plan()
    task = p.task(plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=10, narrative=HONEST, on=date(2024, 2, 1))
    report_return(actor=p.head_a, report=report, reason="数据口径不一致", on=date(2024, 2, 2))
    warnings_step(date(2024, 2, 5))
    w = Warning.objects.get(day=date(2024, 2, 5), subject="unit", unit=p.unit_a)
    assert w.counts == {"returned": 1}
    assert Warning.objects.get(subject="person", person=p.reporter_a.person).counts == {"returned": 1}


def _flags() -> set[tuple[str, int | None]]:
    return set(Flag.objects.values_list("kind", "report_id"))


@pytest.mark.django_db
def test_flags_step_raises_each_kind_once_with_its_reason(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    ta, tb, tc, td = p.task(plan), p.task(plan, unit=p.unit_b), p.task(plan), p.task(plan)
    report_submit(actor=p.reporter_a, task=ta, percent=10, narrative=HONEST, on=date(2024, 2, 28))
    jump = report_submit(
        actor=p.reporter_a,
        task=ta,
        percent=55,
        narrative="3月20日完成施工图审查，涉及45亩。",
        on=date(2024, 3, 20),
    )
    report_submit(actor=p.reporter_a, task=td, percent=20, narrative=HONEST, on=date(2024, 3, 19))
    copy = report_submit(
        actor=p.reporter_b, task=tb, percent=20, narrative=HONEST.replace("120", "121"), on=date(2024, 3, 21)
    )
    bare = report_submit(actor=p.reporter_a, task=tc, percent=100, narrative=EMPTY, on=date(2024, 3, 22))
    summary = flags_step(date(2024, 3, 25))
    # One finding per report: the unproved completion is asked for its proof; its empty talk goes with it.
    assert _flags() == {("jump", jump.pk), ("no_evidence", bare.pk), ("copied", copy.pk)}
    assert summary["new"] == 3
    unproved = Flag.objects.get(kind="no_evidence")
    assert unproved.detail == {"also": ["empty"]}
    assert unproved.reason == "填报已完成，但未附佐证材料（另：空话套话）"
    assert Flag.objects.get(kind="jump").detail["expected"] == "24.66"  # 3-31: 90 of 365 days
    flag = Flag.objects.get(kind="copied")
    assert flag.detail["scope"] == "other_unit" and flag.other_id is not None
    assert "其他单位同期填报" in flag.reason
    assert Entry.objects.filter(action="alerts.flags.raised").count() == 1
    # A second run raises nothing new (the keys are stored), and writes no audit entry.
    assert flags_step(date(2024, 3, 25))["new"] == 0
    assert Entry.objects.filter(action="alerts.flags.raised").count() == 1


JUMPED = "3月20日完成施工图审查，涉及45亩。"


@pytest.mark.django_db
def test_a_jump_explained_by_its_evidence_a_milestone_or_the_schedule_is_not_flagged(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    bare, proved, node, behind = p.task(plan), p.task(plan), p.task(plan), p.task(plan, due=date(2024, 4, 30))
    met = milestone_create(actor=p.officer, task=node, title="完成施工图审查", due=date(2024, 3, 31))
    milestone_meet(actor=p.officer, milestone=met, met_on=date(2024, 3, 18))
    for task in (bare, proved, node, behind):
        report_submit(actor=p.reporter_a, task=task, percent=10, narrative=HONEST, on=date(2024, 2, 28))
    jumps = {
        task.pk: report_submit(
            actor=p.reporter_a,
            task=task,
            percent=55,
            narrative=JUMPED,
            on=date(2024, 3, 20),
            files=evidence() if task is proved else (),
        )
        for task in (bare, proved, node, behind)
    }
    flags_step(date(2024, 3, 25))
    # `behind` runs 1-1 to 4-30: 75 % expected on 3-31, so 55 % only catches up with its schedule.
    assert _flags() == {("jump", jumps[bare.pk].pk)}


@pytest.mark.django_db
def test_a_copy_of_empty_talk_is_one_copied_flag(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(actor=p.reporter_a, task=task, percent=10, narrative=EMPTY, on=date(2024, 2, 27))
    again = report_submit(actor=p.reporter_a, task=task, percent=20, narrative=EMPTY, on=date(2024, 3, 27))
    flags_step(date(2024, 3, 28))
    flag = Flag.objects.get(report=again)
    assert flag.kind == "copied" and flag.detail["also"] == ["empty"]
    assert flag.reason == "进展情况与本单位上期填报高度相似（相似度1.0）（另：空话套话）"


@pytest.mark.django_db
def test_copied_from_the_units_last_period(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(actor=p.reporter_a, task=task, percent=10, narrative=HONEST, on=date(2024, 2, 27))
    again = report_submit(
        actor=p.reporter_a, task=task, percent=20, narrative=HONEST + "。", on=date(2024, 3, 27)
    )
    flags_step(date(2024, 3, 28))
    flag = Flag.objects.get(kind="copied")
    assert flag.report_id == again.pk and flag.detail["scope"] == "previous"


@pytest.mark.django_db
def test_a_unit_that_never_reports_is_a_phantom(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    p.task(plan, unit=p.unit_b)
    mark_late_reports(plan_id=plan.pk, on=date(2024, 4, 10))
    flags_step(date(2024, 4, 10))
    flag = Flag.objects.get(kind="phantom")
    assert flag.unit_id == p.unit_b.pk and flag.report_id is None and flag.detail == {"owed": 3}


@pytest.mark.django_db
def test_flag_decide(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(actor=p.reporter_a, task=task, percent=30, narrative=EMPTY, on=date(2024, 3, 1))
    flags_step(date(2024, 3, 2))
    flag = Flag.objects.get()
    with pytest.raises(NotAllowed):
        flag_decide(actor=p.leader, flag=flag, state=FlagState.DISMISSED, note="x")
    with pytest.raises(InvalidField) as e:
        flag_decide(actor=p.officer, flag=flag, state=FlagState.DISMISSED, note="  ")
    assert e.value.field == "note"
    with pytest.raises(InvalidField):
        flag_decide(actor=p.officer, flag=flag, state="open")
    flag.refresh_from_db()
    assert (
        flag.state == FlagState.OPEN and not Entry.objects.filter(action__startswith="alerts.flag.").exists()
    )
    flag_decide(actor=p.officer, flag=flag, state=FlagState.DISMISSED, note="已电话核实，情况属实")
    flag.refresh_from_db()
    assert flag.state == FlagState.DISMISSED and flag.decided_by == p.officer
    entry = Entry.objects.get(action="alerts.flag.dismissed")
    assert entry.data["note"] == "已电话核实，情况属实"
    with pytest.raises(Conflict):
        flag_decide(actor=p.officer2, flag=flag, state=FlagState.LOOKED)
    # A dismissed flag is never raised again.
    flags_step(date(2024, 3, 2))
    assert Flag.objects.get().state == FlagState.DISMISSED


@pytest.mark.django_db
def test_a_days_level_counts_the_reminders_the_tick_sent_that_day(p: Personas, settings: Any) -> None:
    """The tick queues the day's reminders (notify.reminders, 850) before it computes the day's levels
    (alerts.levels, 870): a reminder sent today is in today's level, not only from tomorrow on."""
    from django.utils import timezone

    from luoshi.alerts.slips import REMINDER_RULES
    from luoshi.jobs import services as jobs
    from luoshi.notify.models import Outbox
    from luoshi.notify.rules import OVERDUE, REPORT_LATE

    settings.LUOSHI_REMINDERS = True
    today = timezone.localdate()  # reminders are dated by when they were queued: the real today
    plan = p.plan(year=today.year, start=today - timedelta(days=60), due=today + timedelta(days=200))
    task = p.task(plan, title="老旧小区改造", due=today - timedelta(days=1))  # overdue since yesterday
    jobs.tick_run(on=today)
    sent = dict(
        Outbox.objects.filter(rule__in=REMINDER_RULES, channel="in_app", task=task).values_list("pk", "rule")
    )
    # The reporter and the head of unit A were reminded today: the task is overdue and its reports late.
    assert sorted(sent.values()) == sorted([OVERDUE, OVERDUE, REPORT_LATE, REPORT_LATE])
    w = Warning.objects.get(day=today, subject="unit", unit=p.unit_a)
    refs = {r["ref"] for r in w.reasons if r["kind"] == "reminder"}
    assert refs == {f"notify.Outbox:{pk}" for pk in sent}
    assert w.counts["reminder"] == len(sent)
    reporter = Warning.objects.get(day=today, subject="person", person=p.reporter_a.person)
    assert reporter.counts.get("reminder") == 2


@pytest.mark.django_db
def test_a_reminder_slip_is_dated_by_the_local_day_with_its_payload_text_and_link(p: Personas) -> None:
    """The reminder source reads the day (the install's time zone: Asia/Shanghai), the text and the link
    in the database: a reminder queued at 17:30 UTC is the next day's in Beijing; a reminder without
    a text reads as its rule; only late reminders received in the app count."""
    from datetime import datetime

    from luoshi.alerts import slips
    from luoshi.notify.models import Outbox
    from luoshi.notify.rules import DUE_SOON, OVERDUE, REPORT_LATE

    user = p.reporter_a
    evening = datetime(2024, 6, 1, 17, 30, tzinfo=UTC)  # 2024-06-02 01:30 in Beijing
    rows = [
        (OVERDUE, "in_app", {"text": "任务已逾期", "link": "/work/tasks/7/"}),
        (REPORT_LATE, "in_app", {}),
        (DUE_SOON, "in_app", {"text": "即将到期"}),  # a courtesy reminder: not a slip
        (OVERDUE, "sms", {"text": "短信"}),  # another channel: the in-app row counts, not each channel
    ]
    made = [
        Outbox.objects.create(recipient=user, channel=ch, rule=rule, payload=payload)
        for rule, ch, payload in rows
    ]
    Outbox.objects.filter(pk__in=[o.pk for o in made]).update(created=evening)
    found = sorted(
        slips.reminders(date(2024, 6, 2), date(2024, 6, 2), slips.post_units()), key=lambda o: o.slip.ref
    )
    assert [(o.slip.on, o.slip.text, o.slip.link, o.slip.ref) for o in found] == [
        (date(2024, 6, 2), "任务已逾期", "/work/tasks/7/", f"notify.Outbox:{made[0].pk}"),
        (date(2024, 6, 2), REPORT_LATE, "", f"notify.Outbox:{made[1].pk}"),
    ]
    assert {o.unit_id for o in found} == {p.unit_a.pk} and {o.person_id for o in found} == {user.person.pk}
    assert list(slips.reminders(date(2024, 6, 1), date(2024, 6, 1), slips.post_units())) == []
