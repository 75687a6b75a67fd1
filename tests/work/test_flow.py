"""The reporting flow pages: 本期待填报 (clerk), 审核 (unit head), 督查审核 (supervision office).

Persona tests (who may, who may not), full flows through the test client, and query counts
that fail when a queue page starts doing a query per row.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.org.models import Role
from luoshi.work import rules
from luoshi.work.models import Evidence, Report, ReportState, Status, Task
from luoshi.work.services import (
    report_approve,
    report_return,
    report_submit,
    task_confirm_completion,
    task_refresh,
)
from tests.factories import claim_task, evidence, make_user
from tests.helpers import client_for, exact_queries

HX = {"HTTP_HX_REQUEST": "true"}
FILL = "/work/fill/"
APPROVALS = "/work/approvals/"
REVIEW = "/work/review/"


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


@pytest.fixture
def plan(p, today):  # type: ignore[no-untyped-def]
    """A running plan, with head approval (the default), from 200 days ago to 165 days ahead."""
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))


@pytest.fixture
def direct_plan(p, today):  # type: ignore[no-untyped-def]
    """A running plan whose reports go up without the unit head."""
    return p.plan(
        year=today.year,
        start=today - timedelta(days=200),
        due=today + timedelta(days=165),
        head_approval=False,
    )


def _task(p, plan, **kw):  # type: ignore[no-untyped-def]
    task = p.task(plan, **kw)
    task_refresh(task=task)
    task.refresh_from_db()
    return task


# ---------------------------------------------------------------------------------------------
# 本期待填报


@pytest.mark.parametrize(
    ("who", "status"),
    [("reporter_a", 200), ("head_a", 200), ("reporter_b", 200), ("leader", 403), ("officer", 403)],
)
def test_fill_page_personas(p, plan, who, status):  # type: ignore[no-untyped-def]
    task = _task(p, plan, title="推进重点项目开工")
    response = client_for(getattr(p, who)).get(FILL)
    assert response.status_code == status
    if status == 200:
        shown = f'id="fill-{task.pk}"' in response.content.decode()
        assert shown is (who in ("reporter_a", "head_a"))


def test_fill_page_htmx_partial_and_english(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    c = client_for(p.reporter_a)
    partial = c.get(FILL, **HX).content.decode()
    assert partial.startswith('<div id="fill-queue">') and f'id="fill-{task.pk}"' in partial
    assert "<html" not in partial
    for url in (FILL, APPROVALS):
        assert client_for(p.head_a).get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client_for(p.officer).get(REVIEW, HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_fill_page_anonymous_redirects_to_login(p):  # type: ignore[no-untyped-def]
    response = Client().get(FILL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_fill_lists_only_unfiled_in_progress_tasks_of_current_period(p, plan, today):  # type: ignore[no-untyped-def]
    todo = _task(p, plan, title="待填任务")
    filed = _task(p, plan, title="已填任务")
    claimed = _task(p, plan, title="已申请完成任务")
    future = _task(p, plan, title="未开始任务", start=today + timedelta(days=120))
    co = _task(p, plan, title="配合任务", unit=p.unit_b, co_units=[p.unit_a])
    report_submit(actor=p.reporter_a, task=filed, percent=30)  # pending still counts as filed
    last_period = rules.previous_period_end(plan.cadence, today)
    earlier = _task(p, plan, title="上期已填任务")
    report_submit(actor=p.head_a, task=earlier, percent=30, period=last_period)
    claim_task(actor=p.reporter_a, task=claimed)
    html = client_for(p.reporter_a).get(FILL).content.decode()
    assert f'id="fill-{todo.pk}"' in html
    assert f'id="fill-{co.pk}"' in html
    assert f'id="fill-{earlier.pk}"' in html  # last period's report does not cover this one
    for task in (filed, claimed, future):
        assert f'id="fill-{task.pk}"' not in html
    # "no change" is offered only where there is a previous report to repeat
    assert html.count("fill-nochange") == 1


def test_file_report_in_place_with_evidence(p, direct_plan):  # type: ignore[no-untyped-def]
    task = _task(p, direct_plan, title="建设产业园")
    assert task.light == "red"
    c = client_for(p.reporter_a)
    upload = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n fake image bytes", content_type="image/png")
    response = c.post(
        f"/work/fill/{task.pk}/",
        {
            "percent": "60",
            "narrative": "主体完工",
            "problems": "资金",
            "next_steps": "验收",
            "evidence": [upload],
        },
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已填报" in html
    assert 'class="badge light-green"' in html or "light-green" in html
    report = Report.objects.get(task=task)
    assert report.state == ReportState.SUBMITTED  # the plan needs no head approval
    assert (report.percent, report.narrative, report.problems, report.next_steps) == (
        Decimal("60.00"),
        "主体完工",
        "资金",
        "验收",
    )
    ev = Evidence.objects.get(report=report)
    assert ev.name == "照片.png" and ev.size == len(b"\x89PNG\r\n\x1a\n fake image bytes")
    assert ev.file.read() == b"\x89PNG\r\n\x1a\n fake image bytes"
    task.refresh_from_db()
    assert task.light == "green" and task.actual_pct == Decimal("60.00")
    # once filed the task leaves the queue
    assert f'id="fill-{task.pk}"' not in c.get(FILL).content.decode()


def test_filed_row_shows_the_new_light_when_lights_are_stored_in_the_background(p, direct_plan, settings):  # type: ignore[no-untyped-def]
    """With LUOSHI_LIGHTS_IN_BACKGROUND (production) the report's lights are queued, not stored in the
    request; the filer's row still shows the light with their report, never the one before it."""
    from luoshi.work.models import StaleTask

    settings.LUOSHI_LIGHTS_IN_BACKGROUND = True
    task = _task(p, direct_plan, title="建设产业园")
    assert task.light == "red"
    response = client_for(p.reporter_a).post(f"/work/fill/{task.pk}/", {"percent": "60"}, **HX)
    html = response.content.decode()
    assert "已填报" in html and "light-green" in html and "light-red" not in html
    assert not StaleTask.objects.exists()
    task.refresh_from_db()
    assert task.light == "green" and task.actual_pct == Decimal("60.00")


def test_file_report_needing_head_stays_pending(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    response = client_for(p.reporter_a).post(f"/work/fill/{task.pk}/", {"percent": "60"}, **HX)
    assert "待单位审核" in response.content.decode()
    assert Report.objects.get(task=task).state == ReportState.PENDING
    task.refresh_from_db()
    assert task.light == "red"  # not visible upward until the head approves


def test_no_change_is_a_dated_entry_of_its_own(p, plan, today):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    previous = report_submit(
        actor=p.head_a, task=task, percent=55, period=rules.previous_period_end(plan.cadence, today)
    )
    c = client_for(p.reporter_a)
    assert "fill-nochange" in c.get(FILL).content.decode()
    response = c.post(f"/work/fill/{task.pk}/", {"percent": "", "no_change": "1"}, **HX)
    assert "已填报" in response.content.decode()
    new = Report.objects.exclude(pk=previous.pk).get(task=task)
    assert new.no_change and new.percent == Decimal("55.00")
    assert new.reported_on == today and new.period_end == rules.period_end(plan.cadence, today)


def test_fill_errors_are_shown_in_the_row(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    measure = _task(p, plan, metric_name="固定资产投资", metric_unit="亿元", baseline=0, target=200)
    c = client_for(p.reporter_a)
    # (task, posted, message, the input it is tied to; "" when it is about the row)
    cases = [
        (task, {"percent": ""}, "请填写完成进度", "percent"),
        (task, {"percent": "", "no_change": "1"}, "还没有上期填报", ""),
        (task, {"percent": "150"}, "100", "percent"),
        (task, {"percent": "abc"}, "数", "percent"),
        (measure, {"percent": "20"}, "累计完成值", "value"),
        # A running total below zero is refused outright, not merely questioned.
        (measure, {"value": "-5"}, "累计完成值不能为负数", "value"),
        (task, {"percent": "30", "reported_on": "2999-01-01"}, "纸质填报日期", "reported_on"),
    ]
    for target, data, message, field in cases:
        response = c.post(f"/work/fill/{target.pk}/", data, **HX)
        assert response.status_code == 200
        html = response.content.decode()
        row = f"fill-{target.pk}"
        assert f'<p class="flow-error" id="{row}-error" tabindex="-1">' in html and message in html, (
            data,
            html,
        )
        assert f'id="{row}"' in html  # the form row comes back, not the "filed" row
        # The field is marked and points at the message; focus goes to it (or to the message).
        tied = f'id="{row}-{field}"' if field else ""
        assert html.count('aria-invalid="true"') == (1 if field else 0), (data, html)
        if field:
            tag = html[html.index(tied) : html.index(">", html.index(tied))]
            assert f'aria-invalid="true" aria-describedby="{row}-error"' in tag, (data, tag)
        said = json.loads(response["HX-Trigger-After-Settle"])["luoshi:announce"]
        assert said == {"message": "有 1 处需要修改", "focus": f"#{row}-{field or 'error'}"}, data
    assert not Report.objects.exists()
    # a measure value is turned into progress
    c.post(f"/work/fill/{measure.pk}/", {"value": "50"}, **HX)
    assert Report.objects.get(task=measure).percent == Decimal("25.00")


def _announced(response):  # type: ignore[no-untyped-def]
    return json.loads(response["HX-Trigger-After-Settle"])["luoshi:announce"]


def test_a_filed_row_names_its_result_for_focus_and_the_live_region(p, plan, today):  # type: ignore[no-untyped-def]
    task = _task(p, plan, title="推进老旧小区改造")
    response = client_for(p.reporter_a).post(f"/work/fill/{task.pk}/", {"percent": "30"}, **HX)
    html = response.content.decode()
    assert f'id="fill-{task.pk}-result" tabindex="-1"' in html
    period = rules.period_end(task.effective_cadence, today).isoformat()
    assert _announced(response) == {
        "message": f"已填报：推进老旧小区改造，所属期 {period}，待单位审核",
        "focus": f"#fill-{task.pk}-result",
    }


def test_a_questioned_figure_points_its_field_at_the_warning(p, plan, today):  # type: ignore[no-untyped-def]
    """7.1 after 803 on a cumulative count: not filed; the value is described by the warning (not
    invalid: the filer may confirm), focus goes to it, and confirming files it."""
    task = _task(p, plan, metric_name="充电桩", metric_unit="个", baseline=0, target=1000)
    report_submit(actor=p.head_a, task=task, value=803, period=rules.previous_period_end("monthly", today))
    c = client_for(p.reporter_a)
    response = c.post(f"/work/fill/{task.pk}/", {"value": "7.1"}, **HX)
    html = response.content.decode()
    row = f"fill-{task.pk}"
    assert "上期 803，本期 7.1" in html and "比上期减少" in html and "fill-confirm" in html
    tag = html[html.index(f'id="{row}-value"') :].split(">", 1)[0]
    assert f'aria-describedby="{row}-warning-text"' in tag and "aria-invalid" not in tag
    assert _announced(response)["focus"] == f"#{row}-value"
    assert Report.objects.filter(task=task).count() == 1
    response = c.post(f"/work/fill/{task.pk}/", {"value": "7.1", "acknowledge_warnings": "1"}, **HX)
    assert _announced(response)["focus"] == f"#{row}-result"
    assert Report.objects.filter(task=task).latest("id").warnings == ["drop", "jump"]


def test_each_flow_action_names_its_result_or_its_message(p, plan):  # type: ignore[no-untyped-def]
    """Approve, return, refuse, confirm, reopen, follow: each HTMX answer names what the live region
    says and the element focus goes to, and that element is in the answer, focusable."""
    head, officer = client_for(p.head_a), client_for(p.officer)
    one, two = _task(p, plan, title="甲任务"), _task(p, plan, title="乙任务")
    first = report_submit(actor=p.reporter_a, task=one, percent=30)
    second = report_submit(actor=p.reporter_a, task=two, percent=40)

    def check(response, message, focus):  # type: ignore[no-untyped-def]
        said = _announced(response)
        assert said["message"].startswith(message) and said["focus"] == focus, said
        assert f'id="{focus[1:]}"' in response.content.decode()

    check(
        head.post(f"/work/approvals/{first.pk}/approve/", **HX),
        "已审核通过：甲任务",
        f"#approval-{first.pk}-result",
    )
    check(
        head.post(f"/work/approvals/{first.pk}/approve/", **HX),
        "该填报已被处理",
        f"#approval-{first.pk}-error",
    )
    returned = head.post(f"/work/approvals/{second.pk}/return/", {"reason": "数据有误"}, **HX)
    check(returned, "已退回：乙任务", f"#approval-{second.pk}-result")
    claim_task(actor=p.head_a, task=one, note="完成")
    check(
        officer.post(f"/work/review/{one.pk}/confirm/", **HX),
        "已确认完成并销号",
        f"#task-done-{one.pk}-result",
    )
    check(officer.post(f"/work/review/{one.pk}/confirm/", **HX), "", f"#claim-{one.pk}-error")
    reopened = officer.post(f"/work/tasks/{one.pk}/reopen/", {"reason": "复核"}, **HX)
    check(reopened, "已重新打开", f"#task-done-{one.pk}-result")
    check(
        client_for(p.reporter_a).post(f"/work/tasks/{two.pk}/follow/", {"follow": "1"}, **HX),
        "已关注",
        "#follow-button",
    )


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("officer", 403), ("reporter_b", 404)])
def test_fill_submit_refused(p, plan, who, status):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    response = client_for(getattr(p, who)).post(f"/work/fill/{task.pk}/", {"percent": "50"}, **HX)
    assert response.status_code == status
    assert not Report.objects.exists()


def test_fill_submit_anonymous_and_get(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    response = Client().post(f"/work/fill/{task.pk}/", {"percent": "50"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client_for(p.reporter_a).get(f"/work/fill/{task.pk}/").status_code == 405
    assert not Report.objects.exists()


def test_fill_without_javascript_redirects_with_message(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan, title="无脚本任务")
    c = client_for(p.reporter_a)
    response = c.post(f"/work/fill/{task.pk}/", {"percent": ""}, follow=True)
    assert response.redirect_chain[-1][0] == FILL
    assert "请填写完成进度" in response.content.decode()
    response = c.post(f"/work/fill/{task.pk}/", {"percent": "40"}, follow=True)
    assert "已填报：无脚本任务" in response.content.decode()
    assert Report.objects.filter(task=task).count() == 1


def test_returned_report_is_redone_for_its_period(p, plan, today):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=30, narrative="初稿")
    report_return(actor=p.head_a, report=report, reason="数据不准")
    c = client_for(p.reporter_a)
    html = c.get(FILL).content.decode()
    assert f'id="redo-{report.pk}"' in html and "数据不准" in html and "初稿" in html
    assert f'id="fill-{task.pk}"' not in html  # shown once, in the returned section
    response = c.post(f"/work/fill/{task.pk}/", {"percent": "35", "redo": str(report.pk)}, **HX)
    assert f'id="redo-{report.pk}"' in response.content.decode()
    redo = Report.objects.exclude(pk=report.pk).get(task=task)
    assert redo.period_end == report.period_end and redo.state == ReportState.PENDING
    html = c.get(FILL).content.decode()
    assert f'id="redo-{report.pk}"' not in html and f'id="fill-{task.pk}"' not in html
    # another unit's returned report cannot be redone here
    other = _task(p, plan, unit=p.unit_b)
    response = c.post(f"/work/fill/{other.pk}/", {"percent": "35", "redo": str(report.pk)}, **HX)
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Unit head: approvals


@pytest.mark.parametrize(
    ("who", "status"), [("head_a", 200), ("reporter_a", 403), ("officer", 403), ("leader", 403)]
)
def test_approvals_personas(p, plan, who, status):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=30)
    response = client_for(getattr(p, who)).get(APPROVALS)
    assert response.status_code == status
    if status == 200:
        assert f'id="approval-{report.pk}"' in response.content.decode()


def test_approvals_anonymous_redirects(p):  # type: ignore[no-untyped-def]
    assert Client().get(APPROVALS).status_code == 302


def test_head_approves_in_place_and_light_changes(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=60, narrative="进展顺利")
    c = client_for(p.head_a)
    assert "进展顺利" in c.get(APPROVALS).content.decode()
    response = c.post(f"/work/approvals/{report.pk}/approve/", **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "已审核通过" in html and "light-green" in html
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.approved_by == p.head_a
    assert task.light == "green"
    # a second approval is refused with a message, in the row
    response = c.post(f"/work/approvals/{report.pk}/approve/", **HX)
    assert "已被处理" in response.content.decode()


def test_head_returns_with_reason(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=60)
    c = client_for(p.head_a)
    response = c.post(f"/work/approvals/{report.pk}/return/", {"reason": "  "}, **HX)
    assert "退回须填写理由" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.PENDING
    response = c.post(f"/work/approvals/{report.pk}/return/", {"reason": "请补充佐证"}, **HX)
    assert "已退回" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_reason == "请补充佐证"


def test_approval_refused_for_others(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=60)
    head_b = make_user("head_b", unit=p.unit_b, role=Role.HEAD)
    assert client_for(p.reporter_a).post(f"/work/approvals/{report.pk}/approve/").status_code == 403
    # a report its head has not let through is not seen upward, not even by the office
    assert client_for(p.officer).post(f"/work/approvals/{report.pk}/approve/").status_code == 404
    assert client_for(head_b).post(f"/work/approvals/{report.pk}/approve/").status_code == 404
    assert (
        client_for(p.reporter_b).post(f"/work/approvals/{report.pk}/return/", {"reason": "x"}).status_code
        == 404
    )
    assert Client().post(f"/work/approvals/{report.pk}/approve/").status_code == 302
    assert client_for(p.head_a).get(f"/work/approvals/{report.pk}/approve/").status_code == 405
    report.refresh_from_db()
    assert report.state == ReportState.PENDING


def test_approve_all(p, plan):  # type: ignore[no-untyped-def]
    reports = [report_submit(actor=p.reporter_a, task=_task(p, plan), percent=10 * i) for i in range(1, 5)]
    later = report_submit(actor=p.reporter_a, task=_task(p, plan), percent=5)  # not on the head's page yet
    c = client_for(p.head_a)
    response = c.post("/work/approvals/approve-all/", {"report": [r.pk for r in reports]}, **HX)
    html = response.content.decode()
    assert "已审核通过 4 条" in html and f'id="approval-{later.pk}"' in html
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == 4
    assert (
        client_for(p.reporter_a).post("/work/approvals/approve-all/", {"report": [later.pk]}).status_code
        == 403
    )
    later.refresh_from_db()
    assert later.state == ReportState.PENDING


# ---------------------------------------------------------------------------------------------
# Supervision office: review, claim, reopen


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("officer2", 200), ("reporter_a", 403), ("head_a", 403), ("leader", 403)],
)
def test_review_personas(p, plan, who, status):  # type: ignore[no-untyped-def]
    task = _task(p, plan, title="完成申请任务")
    claim_task(actor=p.reporter_a, task=task, note="已全部完成")
    response = client_for(getattr(p, who)).get(REVIEW)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert f'id="claim-{task.pk}"' in html and "已全部完成" in html


def test_review_anonymous_redirects(p):  # type: ignore[no-untyped-def]
    assert Client().get(REVIEW).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"), [("leader", 403), ("officer", 403), ("reporter_b", 404), (None, 302)]
)
def test_claim_refused(p, plan, who, status):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    c = client_for(getattr(p, who) if who else None)
    assert c.post(f"/work/tasks/{task.pk}/claim/", {"note": "完成"}).status_code == status
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_reject_then_confirm_then_reopen(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan, title="销号流程任务")
    clerk = client_for(p.head_a)  # the head's own claim needs no further approval in the unit
    response = clerk.post(f"/work/tasks/{task.pk}/claim/", {"note": "已完成", "evidence": evidence()}, **HX)
    assert "已申请完成" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.CLAIMED and task.claimed_by == p.head_a
    # claiming twice is refused with the service's message
    response = clerk.post(f"/work/tasks/{task.pk}/claim/", {"note": "再次", "evidence": evidence()}, **HX)
    assert "只有推进中的任务可以申请完成" in response.content.decode()

    office = client_for(p.officer)
    response = office.post(f"/work/review/{task.pk}/reject/", {"reason": ""}, **HX)
    assert (
        "退回须填写理由" in response.content.decode() and f'id="claim-{task.pk}"' in response.content.decode()
    )
    response = office.post(f"/work/review/{task.pk}/reject/", {"reason": "缺少验收材料"}, **HX)
    assert "已退回完成申请" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert f'id="claim-{task.pk}"' not in office.get(REVIEW).content.decode()

    clerk.post(f"/work/tasks/{task.pk}/claim/", {"note": "补充了验收材料", "evidence": evidence()})
    html = office.get(REVIEW).content.decode()
    assert "补充了验收材料" in html
    response = office.post(f"/work/review/{task.pk}/confirm/", {"note": "同意"}, **HX)
    assert "已确认完成并销号" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.CLOSED and task.light == "done"
    assert f'id="closed-{task.pk}"' in office.get(REVIEW).content.decode()

    response = office.post(f"/work/tasks/{task.pk}/reopen/", {"reason": ""}, **HX)
    assert "重新打开须填写理由" in response.content.decode()
    assert client_for(p.reporter_a).post(f"/work/tasks/{task.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert client_for(p.reporter_b).post(f"/work/tasks/{task.pk}/reopen/", {"reason": "x"}).status_code == 404
    assert Client().post(f"/work/tasks/{task.pk}/reopen/", {"reason": "x"}).status_code == 302
    assert office.get(f"/work/tasks/{task.pk}/reopen/").status_code == 405
    response = office.post(
        f"/work/tasks/{task.pk}/reopen/", {"reason": "复查发现问题", "next": f"/work/tasks/{task.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/work/tasks/{task.pk}/"
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert task.transitions.last().reason == "复查发现问题"


def test_review_actions_refused(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    claim_task(actor=p.reporter_a, task=task)
    for who, status in (("reporter_a", 403), ("head_a", 403), ("leader", 403), ("reporter_b", 404)):
        c = client_for(getattr(p, who))
        assert c.post(f"/work/review/{task.pk}/confirm/").status_code == status
        assert c.post(f"/work/review/{task.pk}/reject/", {"reason": "x"}).status_code == status
    assert Client().post(f"/work/review/{task.pk}/confirm/").status_code == 302
    task.refresh_from_db()
    assert task.status == Status.CLAIMED


def test_unsafe_next_is_ignored(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    claim_task(actor=p.reporter_a, task=task)
    response = client_for(p.officer).post(
        f"/work/review/{task.pk}/reject/", {"reason": "材料不全", "next": "https://evil.example/"}
    )
    assert response["Location"] == REVIEW


# ---------------------------------------------------------------------------------------------
# Query counts: 30 rows cost what 3 rows cost


def _count(name: str, client: Client, url: str) -> int:
    """GET `url` (200 expected) and check its query count against the baseline `name`."""
    with exact_queries(name) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count


def test_fill_queries_do_not_grow_with_rows(p, plan, today):  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for i in range(n):
            task = p.task(plan, co_units=[p.unit_b])
            if i % 2:
                report_submit(
                    actor=p.head_a, task=task, percent=10, period=rules.previous_period_end("monthly", today)
                )
            if i % 5 == 0:
                report_return(
                    actor=p.head_a,
                    report=report_submit(actor=p.reporter_a, task=task, percent=15),
                    reason="改",
                )

    add(3)
    c = client_for(p.reporter_a)
    few = _count("work.flow.fill[reporter_a]@3", c, FILL)
    add(27)
    many = _count("work.flow.fill[reporter_a]@30", c, FILL)
    assert many <= few <= 15
    html = c.get(FILL).content.decode()
    assert html.count('class="flow-row"') == 30


def test_approvals_queries_do_not_grow_with_rows(p, plan):  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for _ in range(n):
            report = report_submit(
                actor=p.reporter_a,
                task=p.task(plan),
                percent=20,
                files=[SimpleUploadedFile("a.txt", b"evidence")],
            )
            assert report.state == ReportState.PENDING

    add(3)
    c = client_for(p.head_a)
    few = _count("work.flow.approvals[head_a]@3", c, APPROVALS)
    add(27)
    with exact_queries("work.flow.approvals[head_a]@30") as many:
        response = c.get(APPROVALS)
    assert many.count <= few
    assert response.content.decode().count('class="flow-row"') == 30
    assert few <= 15


def test_review_queries_do_not_grow_with_rows(p, plan):  # type: ignore[no-untyped-def]
    def add(n: int) -> None:
        for _ in range(n):
            task = claim_task(actor=p.reporter_a, task=p.task(plan), note="完成")
            closed = claim_task(actor=p.reporter_a, task=p.task(plan))
            task_confirm_completion(actor=p.officer, task=closed)
            assert task.status == Status.CLAIMED

    add(3)
    c = client_for(p.officer)
    few = _count("work.flow.review[officer]@3", c, REVIEW)
    add(27)
    with exact_queries("work.flow.review[officer]@30") as many:
        response = c.get(REVIEW)
    assert many.count <= few
    html = response.content.decode()
    assert html.count('id="claim-') == 30 and html.count('id="closed-') == 20
    assert few <= 15
    assert Task.objects.filter(status=Status.CLOSED).count() == 30


def test_report_approve_service_used_by_head_only(p, plan):  # type: ignore[no-untyped-def]
    """The page's approve button and the service agree: an approved report leaves the queue."""
    task = _task(p, plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=60)
    report_approve(actor=p.head_a, report=report)
    assert f'id="approval-{report.pk}"' not in client_for(p.head_a).get(APPROVALS).content.decode()


def test_queue_pages_have_no_untranslated_english(p, plan, today):  # type: ignore[no-untyped-def]
    from tests.web.test_i18n import english_words

    plain = _task(p, plan, title="道路改造")
    _task(p, plan, title="投资", metric_name="固定资产投资", metric_unit="亿元", baseline=0, target=100)
    report_submit(
        actor=p.head_a, task=plain, percent=10, period=rules.previous_period_end(plan.cadence, today)
    )
    returned = report_submit(actor=p.reporter_a, task=_task(p, plan), percent=5, narrative="初稿")
    report_return(actor=p.head_a, report=returned, reason="数据有误")
    report_submit(
        actor=p.reporter_a,
        task=_task(p, plan),
        percent=20,
        files=[SimpleUploadedFile("说明.pdf", b"%PDF-1.4")],
    )
    claimed = claim_task(actor=p.reporter_a, task=_task(p, plan), note="完成")
    task_confirm_completion(actor=p.officer, task=claim_task(actor=p.reporter_a, task=_task(p, plan)))
    pages = [
        (p.reporter_a, FILL),
        (p.head_a, APPROVALS),
        (p.officer, REVIEW),
    ]
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        assert 'class="flow-row"' in html, url
        assert not english_words(html), (url, english_words(html))
    office = client_for(p.officer)
    for response in (
        office.post(f"/work/review/{claimed.pk}/reject/", {"reason": ""}, **HX),
        client_for(p.reporter_a).post(f"/work/fill/{plain.pk}/", {"percent": ""}, **HX),
        client_for(p.reporter_a).post(f"/work/fill/{plain.pk}/", {"no_change": "1"}, **HX),
    ):
        assert not english_words(response.content.decode())
