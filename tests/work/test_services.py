"""The task engine's use cases, through the real services, on the real database.

Refusals assert the exact message the user sees.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import Entry
from luoshi.audit.services import verify_chain
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.notify.models import Notification
from luoshi.org.models import Membership, Post, Role
from luoshi.work.models import (
    Evidence,
    Milestone,
    Report,
    ReportState,
    Status,
    Task,
    TaskUnit,
    Transition,
)
from luoshi.work.selectors import compute_lights
from luoshi.work.services import (
    milestone_meet,
    period_lock,
    plan_create,
    report_approve,
    report_return,
    report_submit,
    task_confirm_completion,
    task_create,
    task_follow,
    task_reject_completion,
    task_reopen,
    task_set_status,
    task_update,
)
from tests.factories import claim_task, make_user

pytestmark = pytest.mark.django_db

JUNE = date(2024, 6, 15)


def entries_for(obj) -> list[Entry]:  # type: ignore[no-untyped-def]
    return list(
        Entry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq", "id")
    )


def last_entry(obj) -> Entry:  # type: ignore[no-untyped-def]
    return entries_for(obj)[-1]


@pytest.fixture
def plan(p):  # type: ignore[no-untyped-def]
    return p.plan()


@pytest.fixture
def task(p, plan):  # type: ignore[no-untyped-def]
    return p.task(plan, title="推进园区道路建设")


@pytest.fixture
def dual(p):  # type: ignore[no-untyped-def]
    """A supervision officer who also holds a reporter post in unit A: may claim and may review."""
    user = make_user("dual", unit=p.office, role=Role.OFFICER, name="兼职督查员")
    post = Post.objects.create(unit=p.unit_a, title="兼职填报员", role=Role.REPORTER)
    Membership.objects.create(person=user.person, post=post, start=date(2000, 1, 1))
    return user


# ---------------------------------------------------------------------------------------------
# Acceptance: the three refusals, each with a clear message


def test_report_on_closed_task_is_refused(p, task):
    claim_task(actor=p.reporter_a, task=task, note="已完工")
    task_confirm_completion(actor=p.officer, task=task, note="核实完成")
    assert Task.objects.get(pk=task.pk).status == Status.CLOSED
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=100, on=JUNE)
    assert str(exc.value) == "任务“推进园区道路建设”已销号，不能再填报进度。"
    assert not Report.objects.filter(task=task).exists()


def test_close_out_by_the_claimant_themself_is_refused(p, task, dual):
    claim_task(actor=dual, task=task, note="自己申请")
    with pytest.raises(NotAllowed) as exc:
        task_confirm_completion(actor=dual, task=task)
    assert str(exc.value) == "不能审核自己提交的完成申请，须由其他人员确认。"
    with pytest.raises(NotAllowed) as exc:
        task_reject_completion(actor=dual, task=task, reason="自己退回")
    assert str(exc.value) == "不能审核自己提交的完成申请，须由其他人员确认。"
    task.refresh_from_db()
    assert task.status == Status.CLAIMED and task.claimed_by_id == dual.pk
    # A different reviewer may close it.
    task_confirm_completion(actor=p.officer, task=task)
    assert Task.objects.get(pk=task.pk).status == Status.CLOSED


def test_report_by_user_outside_the_task_units_is_refused(p, task):
    for outsider in (p.reporter_b, p.leader, p.officer):
        with pytest.raises(NotAllowed) as exc:
            report_submit(actor=outsider, task=task, percent=10, on=JUNE)
        assert str(exc.value) == "您不是该任务牵头或配合单位的填报人员，不能填报。"
    # The refusal does not depend on the task's state: a closed task tells an outsider nothing more.
    claim_task(actor=p.reporter_a, task=task)
    task_confirm_completion(actor=p.officer, task=task)
    with pytest.raises(NotAllowed) as exc:
        report_submit(actor=p.reporter_b, task=task, percent=10, on=JUNE)
    assert str(exc.value) == "您不是该任务牵头或配合单位的填报人员，不能填报。"
    assert not Report.objects.filter(task=task).exists()


# ---------------------------------------------------------------------------------------------
# Plans and tasks


def test_plan_create_needs_the_office_and_ordered_dates(p):
    with pytest.raises(NotAllowed) as exc:
        plan_create(actor=p.head_a, name="x", year=2024, start=date(2024, 1, 1), due=date(2024, 12, 31))
    assert str(exc.value) == "只有督查室人员可以执行此操作。"
    with pytest.raises(LuoshiError) as exc:
        plan_create(actor=p.officer, name="x", year=2024, start=date(2024, 5, 1), due=date(2024, 1, 1))
    assert str(exc.value) == "截止日期不能早于开始日期。"
    plan = plan_create(
        actor=p.officer, name="大干60天", year=2024, start=date(2024, 1, 1), due=date(2024, 3, 1)
    )
    assert last_entry(plan).action == "work.plan.created"


def test_task_create_with_co_units_and_milestones(p, plan):
    parent = p.task(plan, title="目标一", code="1")
    child = task_create(
        actor=p.officer,
        plan=plan,
        parent=parent,
        title=" 分解任务 ",
        lead_unit=p.unit_a,
        co_units=[p.unit_b, p.unit_a],
        start=date(2024, 2, 1),
        due=date(2024, 9, 30),
        milestones=[("立项", date(2024, 3, 31)), ("开工", date(2024, 6, 30))],
        code="1.1",
    )
    assert child.title == "分解任务"
    assert child.path == f"{parent.path}{child.pk}/" and child.depth == 1
    assert list(TaskUnit.objects.filter(task=child).values_list("unit_id", flat=True)) == [p.unit_b.pk]
    assert [m.title for m in Milestone.objects.filter(task=child)] == ["立项", "开工"]
    entry = last_entry(child)
    assert entry.action == "work.task.created"
    assert entry.after["co_units"] == [p.unit_b.pk] and entry.after["code"] == "1.1"
    with pytest.raises(LuoshiError) as exc:
        p.task(plan, code="1.1")
    assert str(exc.value) == "编号 1.1 在该计划中已存在。"
    with pytest.raises(NotAllowed):
        task_create(
            actor=p.reporter_a, plan=plan, title="x", lead_unit=p.unit_a, start=plan.start, due=plan.due
        )


def test_task_update_audits_before_and_after_and_bumps_version(p, task):
    task_update(
        actor=p.officer, task=task, version=1, title="新标题", due=date(2024, 10, 31), co_units=[p.unit_b]
    )
    task.refresh_from_db()
    assert task.version == 2 and task.title == "新标题"
    entry = last_entry(task)
    assert entry.action == "work.task.updated"
    assert entry.before == {"title": "推进园区道路建设", "due": "2024-12-31", "co_units": []}
    assert entry.after == {"title": "新标题", "due": "2024-10-31", "co_units": [p.unit_b.pk], "version": 2}
    assert "xinbiaoti" in task.search_text.replace(" ", "")


def test_task_update_stale_version_is_a_conflict(p, task):
    task_update(actor=p.officer, task=task, version=1, title="第一人")
    with pytest.raises(Conflict) as exc:
        task_update(actor=p.officer2, task=task, version=1, title="第二人")
    assert str(exc.value) == "任务已被他人修改（版本 1 → 2），请刷新后重试。"
    assert Task.objects.get(pk=task.pk).title == "第一人"


def test_task_update_refusals(p, plan, task):
    with pytest.raises(LuoshiError) as exc:
        task_update(actor=p.officer, task=task, version=1, status="closed")
    assert str(exc.value) == "不能修改这些字段：status"
    with pytest.raises(LuoshiError) as exc:
        task_update(actor=p.officer, task=task, version=1, due=date(2023, 1, 1))
    assert str(exc.value) == "完成时限不能早于开始日期。"
    with pytest.raises(NotAllowed):
        task_update(actor=p.head_a, task=task, version=1, title="x")
    other = p.task(plan, code="A-1")
    with pytest.raises(LuoshiError) as exc:
        task_update(actor=p.officer, task=task, version=1, code="A-1")
    assert str(exc.value) == "编号 A-1 在该计划中已存在。"
    assert other.code == "A-1"


def test_moving_a_task_repaths_its_subtree_and_refuses_cycles(p, plan):
    a = p.task(plan, title="A")
    b = p.task(plan, title="B")
    a1 = p.task(plan, title="A1", parent=a)
    a11 = p.task(plan, title="A11", parent=a1)
    with pytest.raises(LuoshiError) as exc:
        task_update(actor=p.officer, task=a, version=a.version, parent=a11)
    assert str(exc.value) == "不能把任务移到它自己或它的下级之下。"
    task_update(actor=p.officer, task=a1, version=a1.version, parent=b)
    a1.refresh_from_db()
    a11.refresh_from_db()
    assert a1.path == f"{b.path}{a1.pk}/" and a1.depth == 1
    assert a11.path == f"{b.path}{a1.pk}/{a11.pk}/" and a11.depth == 2
    assert set(Task.objects.filter(path__startswith=b.path).values_list("pk", flat=True)) == {
        b.pk,
        a1.pk,
        a11.pk,
    }


# ---------------------------------------------------------------------------------------------
# Status flow


def test_status_flow_claim_confirm_reopen_records_every_transition(p, task):
    claim_task(actor=p.reporter_a, task=task, note="已完工，附验收单")
    assert task.status == Status.CLAIMED and task.claimed_by_id == p.reporter_a.pk
    task_confirm_completion(actor=p.officer, task=task, note="现场核实")
    task.refresh_from_db()
    assert task.status == Status.CLOSED and task.light == "done"
    with pytest.raises(LuoshiError) as exc:
        task_update(actor=p.officer, task=task, version=task.version, title="改")
    assert str(exc.value) == "任务已销号，只读；如需修改请先重新打开。"
    with pytest.raises(LuoshiError) as exc:
        task_reopen(actor=p.officer, task=task, reason="  ")
    assert str(exc.value) == "重新打开须填写理由。"
    task_reopen(actor=p.officer2, task=task, reason="复查发现问题未整改到位")
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS and task.claimed_by_id is None and task.light != "done"
    moves = list(
        Transition.objects.filter(task=task).values_list("from_status", "to_status", "actor", "reason")
    )
    assert moves == [
        # the plan needs the unit head's approval, so the claim went up when the head let it
        ("in_progress", "claimed", p.head_a.pk, "已完工，附验收单"),
        ("claimed", "closed", p.officer.pk, "现场核实"),
        ("closed", "in_progress", p.officer2.pk, "复查发现问题未整改到位"),
    ]
    actions = [(e.action, e.before, e.after) for e in entries_for(task)[1:]]
    assert actions == [
        (
            "work.task.completion_filed",
            None,
            {"claim": task.claims.get().pk, "state": "pending", "value": None},
        ),
        (
            "work.task.completion_claimed",
            {"status": "in_progress", "version": 1},
            {"status": "claimed", "version": 2},
        ),
        (
            "work.task.completion_confirmed",
            {"status": "claimed", "version": 2},
            {"status": "closed", "version": 3},
        ),
        ("work.task.reopened", {"status": "closed", "version": 3}, {"status": "in_progress", "version": 4}),
    ]
    assert entries_for(task)[-1].data == {"reason": "复查发现问题未整改到位"}


def test_claim_rules(p, task):
    with pytest.raises(NotAllowed) as exc:
        claim_task(actor=p.reporter_b, task=task)
    assert str(exc.value) == "您不是该任务牵头或配合单位的填报人员，不能填报。"
    claim_task(actor=p.head_a, task=task)
    with pytest.raises(LuoshiError) as exc:
        claim_task(actor=p.reporter_a, task=task)
    assert str(exc.value) == "只有推进中的任务可以申请完成（当前：已申请完成）。"
    with pytest.raises(NotAllowed) as exc:
        task_confirm_completion(actor=p.reporter_a, task=task)
    assert str(exc.value) == "只有督查室人员可以执行此操作。"


def test_reject_completion_needs_reason_and_tells_followers(p, task, django_capture_on_commit_callbacks):
    task_follow(actor=p.reporter_a, task=task)
    claim_task(actor=p.reporter_a, task=task)
    with pytest.raises(LuoshiError) as exc:
        task_reject_completion(actor=p.officer, task=task, reason="")
    assert str(exc.value) == "退回须填写理由。"
    with django_capture_on_commit_callbacks(execute=True):
        task_reject_completion(actor=p.officer, task=task, reason="佐证材料不全")
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS and task.claimed_by_id is None
    assert Notification.objects.filter(user=p.reporter_a, task=task, text__contains="佐证材料不全").exists()
    with pytest.raises(LuoshiError) as exc:
        task_confirm_completion(actor=p.officer, task=task)
    assert str(exc.value) == "该任务没有待审核的完成申请。"


def test_stale_instance_does_not_fool_the_status_check(p, task):
    stale = Task.objects.get(pk=task.pk)
    claim_task(actor=p.reporter_a, task=task)
    task_confirm_completion(actor=p.officer, task=task)
    # `stale` still says in progress; the service reads the stored status.
    with pytest.raises(LuoshiError) as exc:
        claim_task(actor=p.reporter_a, task=stale)
    assert str(exc.value) == "只有推进中的任务可以申请完成（当前：已销号）。"


def test_suspend_resume_cancel(p, task):
    with pytest.raises(LuoshiError) as exc:
        task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="")
    assert str(exc.value) == "须填写理由。"
    task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="规划调整")
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=10, on=JUNE)
    assert str(exc.value) == "任务当前状态为“暂停”，不能填报。"
    with pytest.raises(LuoshiError) as exc:
        task_set_status(actor=p.officer, task=task, status=Status.CLOSED, reason="直接销号")
    assert str(exc.value) == "不允许从“暂停”变为“已销号”。"
    task_set_status(actor=p.officer, task=task, status=Status.IN_PROGRESS, reason="")
    task_set_status(actor=p.officer, task=task, status=Status.CANCELLED, reason="不再实施")
    assert [e.action for e in entries_for(task)[1:]] == [
        "work.task.suspended",
        "work.task.resumed",
        "work.task.cancelled",
    ]


def test_milestone_meet_is_audited_and_closed_tasks_are_read_only(p, plan):
    t = p.task(plan, milestones=[("开工", date(2024, 3, 1))])
    ms = Milestone.objects.get(task=t)
    milestone_meet(actor=p.officer, milestone=ms, met_on=date(2024, 2, 28))
    entry = last_entry(ms)
    assert entry.before == {"met_on": None} and entry.after == {"met_on": "2024-02-28"}
    # units claim a milestone for the office to confirm; they never set it met directly
    for outsider in (p.reporter_a, p.reporter_b):
        with pytest.raises(NotAllowed):
            milestone_meet(actor=outsider, milestone=ms, met_on=date(2024, 2, 28))
    claim_task(actor=p.reporter_a, task=t)
    task_confirm_completion(actor=p.officer, task=t)
    with pytest.raises(LuoshiError) as exc:
        milestone_meet(actor=p.officer, milestone=ms, met_on=date(2024, 3, 1))
    assert str(exc.value) == "任务已销号，只读。"
    assert Milestone.objects.get(pk=ms.pk).met_on == date(2024, 2, 28)


# ---------------------------------------------------------------------------------------------
# Reports


def test_pending_report_is_invisible_upward_until_the_head_approves(p, task):
    report = report_submit(actor=p.reporter_a, task=task, percent=60, narrative="过半", on=JUNE)
    assert report.state == ReportState.PENDING
    task.refresh_from_db()
    assert task.actual_pct == Decimal("0.00")  # not counted before approval
    for insider in (p.reporter_a, p.head_a):
        assert Report.objects.visible_to(insider).filter(pk=report.pk).exists()
    for outsider in (p.leader, p.officer, p.reporter_b, None):
        assert not Report.objects.visible_to(outsider).filter(pk=report.pk).exists()
    with pytest.raises(NotAllowed) as exc:
        report_approve(actor=p.reporter_a, report=report)
    assert str(exc.value) == "只有本单位主要负责人可以审核本单位的填报。"
    with pytest.raises(NotAllowed):
        report_approve(actor=p.officer, report=report)
    report_approve(actor=p.head_a, report=report, on=JUNE)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.approved_by_id == p.head_a.pk
    for reader in (p.leader, p.officer, p.reporter_a):
        assert Report.objects.visible_to(reader).filter(pk=report.pk).exists()
    task.refresh_from_db()
    assert task.actual_pct == Decimal("60.00")
    assert last_entry(report).before == {"state": "pending"}
    assert last_entry(report).after == {"state": "submitted"}
    with pytest.raises(Conflict) as exc:
        report_approve(actor=p.head_a, report=report)
    assert str(exc.value) == "该填报已被处理。"


def test_head_returns_a_pending_report_with_reason(p, task, django_capture_on_commit_callbacks):
    report = report_submit(actor=p.reporter_a, task=task, percent=60, on=JUNE)
    with pytest.raises(LuoshiError) as exc:
        report_return(actor=p.head_a, report=report, reason=" ")
    assert str(exc.value) == "退回须填写理由。"
    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=p.head_a, report=report, reason="数据口径不对")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_reason == "数据口径不对"
    assert Notification.objects.filter(user=p.reporter_a, text="填报被退回：数据口径不对").exists()
    assert not Report.objects.visible_to(p.leader).filter(pk=report.pk).exists()


def test_head_report_goes_up_at_once_and_plan_without_approval(p, plan, task):
    assert report_submit(actor=p.head_a, task=task, percent=20, on=JUNE).state == ReportState.SUBMITTED
    free = p.plan(head_approval=False)
    t = p.task(free)
    assert report_submit(actor=p.reporter_a, task=t, percent=20, on=JUNE).state == ReportState.SUBMITTED


def test_co_unit_reporter_reports_for_the_co_unit(p, plan):
    t = p.task(plan, unit=p.unit_a, co_units=[p.unit_b])
    report = report_submit(actor=p.reporter_b, task=t, percent=30, on=JUNE)
    assert report.unit_id == p.unit_b.pk


def test_correction_is_a_new_entry_and_supersedes_the_corrected_one(p, task):
    first = report_submit(actor=p.head_a, task=task, percent=50, on=date(2024, 6, 10))
    task.refresh_from_db()
    assert task.actual_pct == Decimal("50.00")
    fix = report_submit(actor=p.head_a, task=task, percent=40, corrects=first, on=date(2024, 6, 12))
    assert fix.pk != first.pk and fix.corrects_id == first.pk and fix.period_end == first.period_end
    first.refresh_from_db()
    assert first.percent == Decimal("50.00")  # never edited in place
    assert list(Report.objects.effective().filter(task=task)) == [fix]
    task.refresh_from_db()
    assert task.actual_pct == Decimal("40.00")
    light = {r.id: r for r in compute_lights(plan_id=task.plan_id, on=date(2024, 6, 12))}[task.pk]
    assert (task.light, task.actual_pct) == (light.light, light.actual)
    entry = last_entry(fix)
    assert entry.action == "work.report.corrected"
    assert entry.before == {"report": first.pk, "percent": "50.00", "value": None}
    assert entry.data == {"corrects": first.pk}
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=45, corrects=first, on=date(2024, 6, 13))
    assert str(exc.value) == "该填报已被更正过，请更正最新的一条。"
    other = p.task(task.plan)
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=other, percent=45, corrects=fix, on=date(2024, 6, 13))
    assert str(exc.value) == "更正的填报不属于该任务。"


def test_correction_supersedes_in_the_light_even_when_older(p, task):
    """A correction dated before a later report does not outrank it; one dated after does."""
    early = report_submit(actor=p.head_a, task=task, percent=10, on=date(2024, 6, 1))
    later = report_submit(actor=p.head_a, task=task, percent=55, on=date(2024, 6, 20))
    report_submit(actor=p.head_a, task=task, percent=52, corrects=later, on=date(2024, 6, 21))
    task.refresh_from_db()
    assert task.actual_pct == Decimal("52.00")
    assert early.pk in Report.objects.effective().values_list("pk", flat=True)


def test_no_change_report_copies_values_and_is_its_own_dated_entry(p, task):
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, no_change=True, on=date(2024, 5, 20))
    assert str(exc.value) == "还没有上期填报，不能选择“与上期无变化”。"
    may = report_submit(actor=p.head_a, task=task, percent=35, narrative="五月进展", on=date(2024, 5, 20))
    june = report_submit(actor=p.head_a, task=task, no_change=True, on=date(2024, 6, 20))
    assert june.pk != may.pk
    assert (june.percent, june.no_change, june.reported_on) == (Decimal("35.00"), True, date(2024, 6, 20))
    assert june.period_end == date(2024, 6, 30) and may.period_end == date(2024, 5, 31)
    assert june.narrative == "与上期无变化。"
    assert Report.objects.filter(task=task).count() == 2
    task.refresh_from_db()
    assert task.last_report_on == date(2024, 6, 20)


def test_locked_period_refuses_reports_and_corrections(p, task):
    may = report_submit(actor=p.head_a, task=task, percent=35, on=date(2024, 5, 20))
    lock = period_lock(actor=p.officer, plan=task.plan, period_end=date(2024, 5, 31))
    assert period_lock(actor=p.officer, plan=task.plan, period_end=date(2024, 5, 31)) == lock
    assert [e.action for e in entries_for(task.plan)].count("work.period.locked") == 1
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=40, on=date(2024, 5, 25))
    assert str(exc.value) == "2024-05-31 所属期的通报已发布，该期已锁定。"
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=30, corrects=may, on=date(2024, 6, 3))
    assert str(exc.value) == "2024-05-31 所属期的通报已发布，该期已锁定。"
    # The next period is open.
    report_submit(actor=p.head_a, task=task, percent=40, on=date(2024, 6, 3))
    with pytest.raises(NotAllowed):
        period_lock(actor=p.head_a, plan=task.plan, period_end=date(2024, 6, 30))


def test_report_values_are_validated(p, plan, task):
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, on=JUNE)
    assert str(exc.value) == "请填写完成进度（0–100）。"
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=101, on=JUNE)
    assert str(exc.value) == "完成进度须在 0 到 100 之间。"
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent="七成", on=JUNE)
    assert str(exc.value) == "完成进度 不是有效数字：七成"
    with pytest.raises(LuoshiError):
        report_submit(actor=p.head_a, task=task, percent="NaN", on=JUNE)
    measured = p.task(plan, metric_name="新增就业", metric_unit="人", baseline=0, target=2000)
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=measured, percent=50, on=JUNE)
    assert str(exc.value) == "该任务有量化指标，请填写累计完成值（人）。"
    report = report_submit(actor=p.head_a, task=measured, value="1500", on=JUNE)
    assert report.percent == Decimal("75.00")
    assert not Report.objects.filter(task=task).exists()


def test_evidence_files_are_stored_with_sha256(p, task, settings):
    body = "验收报告 第1页\n".encode() * 200
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    report = report_submit(
        actor=p.head_a,
        task=task,
        percent=80,
        on=JUNE,
        files=[
            SimpleUploadedFile("验收报告.txt", body, content_type="text/plain"),
            SimpleUploadedFile("现场.jpg", photo, content_type="image/jpeg"),
        ],
    )
    stored = list(Evidence.objects.filter(report=report).order_by("id"))
    assert [e.name for e in stored] == ["验收报告.txt", "现场.jpg"]
    for ev, content in zip(stored, (body, photo), strict=True):
        assert ev.sha256 == hashlib.sha256(content).hexdigest() and ev.size == len(content)
        path = Path(settings.MEDIA_ROOT) / ev.file.name
        assert path.read_bytes() == content
        assert ev.sha256 in ev.file.name
    entry = last_entry(report)
    assert [e["sha256"] for e in entry.after["evidence"]] == [e.sha256 for e in stored]
    settings.LUOSHI_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(LuoshiError) as exc:
        report_submit(
            actor=p.head_a, task=task, percent=90, on=JUNE, files=[SimpleUploadedFile("大.pdf", b"x" * 101)]
        )
    assert str(exc.value) == "附件 大.pdf 超过大小上限。"
    assert Report.objects.filter(task=task).count() == 1  # the refused report left nothing behind


def test_follow_needs_visibility_and_every_write_is_audited(p, plan, task):
    with pytest.raises(NotAllowed) as exc:
        task_follow(actor=p.reporter_b, task=task)
    assert str(exc.value) == "无权查看该任务。"
    task_follow(actor=p.leader, task=task)
    task_follow(actor=p.leader, task=task)  # idempotent: one entry
    task_follow(actor=p.leader, task=task, follow=False)
    report = report_submit(actor=p.reporter_a, task=task, percent=30, on=JUNE)
    report_approve(actor=p.head_a, report=report, on=JUNE)
    actions = [e.action for e in Entry.objects.order_by("seq", "id")]
    assert actions.count("work.task.followed") == 1 and actions.count("work.task.unfollowed") == 1
    assert actions[-2:] == ["work.report.submitted", "work.report.approved"]
    assert all(e.actor_id is not None for e in Entry.objects.filter(action__startswith="work."))
    assert verify_chain() is None


def test_callers_instance_is_brought_up_to_date(p, task):
    task_update(actor=p.officer, task=task, version=1, lead_unit=p.unit_b, title="换牵头单位")
    assert (task.version, task.title, task.lead_unit_id, task.lead_unit) == (
        2,
        "换牵头单位",
        p.unit_b.pk,
        p.unit_b,
    )
