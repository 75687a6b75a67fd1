"""Completion claims and milestones (issue 8, items 2–4): the unit claims with a date or a final value
and evidence, the unit head approves where the plan asks, the office confirms; a parent closes only
after its children; a closed task keeps what was reported.

Service, page and API tests, each persona-tested for who may and who may not.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.documents.bulletin import DONE_SHORT, build_bulletin
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.org.models import Membership, Post, Role
from luoshi.work.models import Claim, ClaimState, Light, Milestone, Report, Status, Task, Transition
from luoshi.work.services import (
    milestone_claim,
    milestone_confirm,
    milestone_reject,
    report_approve,
    report_submit,
    task_claim_approve,
    task_claim_completion,
    task_claim_return,
    task_close_with_children,
    task_confirm_completion,
    task_refresh,
    task_reopen,
)
from tests.factories import Personas, claim_task, evidence, make_user
from tests.helpers import client_for

HX = {"HTTP_HX_REQUEST": "true"}
API = "/api/v1"


@pytest.fixture
def today() -> Any:
    return timezone.localdate()


def running_plan(p: Personas, today: Any, **kw: Any) -> Any:
    """A plan from 200 days ago to 165 days ahead (head approval unless told otherwise)."""
    return p.plan(start=today - timedelta(days=200), due=today + timedelta(days=165), year=today.year, **kw)


def actions(obj: Any) -> list[str]:
    kind = f"{obj._meta.app_label}.{obj._meta.model_name}"
    return list(
        Entry.objects.filter(object_type=kind, object_id=str(obj.pk))
        .order_by("seq", "id")
        .values_list("action", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Item 2: milestones are met by the unit with a date and evidence and confirmed by the office


@pytest.fixture
def ms_task(p: Personas, today: Any) -> Any:
    """On track by progress, red only because a milestone 10 days ago is unmet."""
    plan = running_plan(p, today, head_approval=False)
    task = p.task(plan, title="建设产业园区", milestones=[("完成主体施工", today - timedelta(days=10))])
    report_submit(actor=p.reporter_a, task=task, percent=60)  # expected is 200/365 = 54.8%
    task.refresh_from_db()
    assert task.light == Light.RED
    return task


def test_milestone_claimed_by_unit_and_confirmed_by_office_turns_the_light(p, ms_task, today):  # type: ignore[no-untyped-def]
    ms = Milestone.objects.get(task=ms_task)
    met = today - timedelta(days=12)
    claim = milestone_claim(
        actor=p.reporter_a, milestone=ms, met_on=met, note="主体封顶", files=evidence("封顶照片.pdf")
    )
    assert claim.state == ClaimState.SUBMITTED and claim.met_on == met
    assert claim.evidence.get().name == "封顶照片.pdf"
    ms_task.refresh_from_db()
    ms.refresh_from_db()
    # An unconfirmed report does not clear the red light (docs/rules.md).
    assert ms.met_on is None and ms_task.light == Light.RED

    milestone_confirm(actor=p.officer, claim=claim, note="现场核实")
    ms.refresh_from_db()
    ms_task.refresh_from_db()
    claim.refresh_from_db()
    assert ms.met_on == met and claim.state == ClaimState.CONFIRMED and claim.reviewer == p.officer
    assert ms_task.light == Light.GREEN
    assert actions(ms) == ["work.milestone.claimed", "work.milestone.met"]
    met_entry = Entry.objects.filter(object_id=str(ms.pk), action="work.milestone.met").get()
    assert met_entry.after == {"met_on": met.isoformat()} and met_entry.data["claim"] == claim.pk


def test_milestone_who_may_and_may_not(p, ms_task, today):  # type: ignore[no-untyped-def]
    ms = Milestone.objects.get(task=ms_task)
    met = today - timedelta(days=9)
    # Claiming: only the task's units; the office records directly but does not claim.
    for outsider in (p.reporter_b, p.leader, p.officer, p.anonymous):
        with pytest.raises(NotAllowed):
            milestone_claim(actor=outsider, milestone=ms, met_on=met, files=evidence())
    with pytest.raises(LuoshiError, match="佐证材料"):
        milestone_claim(actor=p.reporter_a, milestone=ms, met_on=met)
    with pytest.raises(LuoshiError, match="不能晚于今天"):
        milestone_claim(actor=p.reporter_a, milestone=ms, met_on=today + timedelta(days=1), files=evidence())
    claim = milestone_claim(actor=p.head_a, milestone=ms, met_on=met, files=evidence())
    with pytest.raises(LuoshiError, match="待确认"):
        milestone_claim(actor=p.reporter_a, milestone=ms, met_on=met, files=evidence())
    # Confirming: the office only, never the claimant.
    for who in (p.reporter_a, p.head_a, p.reporter_b, p.leader):
        with pytest.raises(NotAllowed):
            milestone_confirm(actor=who, claim=claim)
    with pytest.raises(LuoshiError, match="理由"):
        milestone_reject(actor=p.officer, claim=claim, reason=" ")
    milestone_reject(actor=p.officer, claim=claim, reason="照片不能证明封顶")
    ms.refresh_from_db()
    assert ms.met_on is None and Claim.objects.get(pk=claim.pk).state == ClaimState.REJECTED
    with pytest.raises(Conflict):
        milestone_confirm(actor=p.officer2, claim=claim)
    # After a rejection the unit may report again; an officer who claimed may not confirm it.
    dual = make_user("dual_ms", unit=p.office, role=Role.OFFICER, name="兼职督查员")
    post = Post.objects.create(unit=p.unit_a, title="兼职填报员", role=Role.REPORTER)
    Membership.objects.create(person=dual.person, post=post, start=today - timedelta(days=999))
    again = milestone_claim(actor=dual, milestone=ms, met_on=met, files=evidence())
    with pytest.raises(NotAllowed):
        milestone_confirm(actor=dual, claim=again)
    milestone_confirm(actor=p.officer, claim=again)
    assert Milestone.objects.get(pk=ms.pk).met_on == met


def test_milestone_pages_unit_reports_office_confirms(p, ms_task, today):  # type: ignore[no-untyped-def]
    ms = Milestone.objects.get(task=ms_task)
    page = f"/work/tasks/{ms_task.pk}/"
    url = f"/work/milestones/{ms.pk}/claim/"
    met = (today - timedelta(days=11)).isoformat()
    assert 'class="inline-form milestone-claim"' in client_for(p.reporter_a).get(page).content.decode()
    assert "milestone-claim" not in client_for(p.officer).get(page).content.decode()
    assert client_for(p.reporter_b).post(url, {"met_on": met, "evidence": evidence()}).status_code == 404
    assert client_for(p.leader).post(url, {"met_on": met, "evidence": evidence()}).status_code == 403
    assert Client().post(url, {"met_on": met}).status_code == 302
    assert not Claim.objects.exists()
    response = client_for(p.reporter_a).post(
        url, {"met_on": met, "note": "已封顶", "evidence": evidence("封顶.pdf")}
    )
    assert response.status_code == 302 and response["Location"] == page
    claim = Claim.objects.get()
    html = client_for(p.reporter_a).get(page).content.decode()
    assert "待确认：" in html and "封顶.pdf" in html and "confirm-milestone" not in html

    review = client_for(p.officer).get("/work/review/").content.decode()
    assert f'id="milestone-claim-{claim.pk}"' in review and "封顶.pdf" in review
    confirm = f"/work/milestone-claims/{claim.pk}/confirm/"
    assert client_for(p.reporter_a).post(confirm).status_code == 403
    assert client_for(p.reporter_b).post(confirm).status_code == 404
    response = client_for(p.officer).post(confirm, {"note": "属实"}, **HX)
    assert "已确认节点完成" in response.content.decode()
    ms_task.refresh_from_db()
    assert Milestone.objects.get(pk=ms.pk).met_on == today - timedelta(days=11)
    assert ms_task.light == Light.GREEN


# ---------------------------------------------------------------------------------------------
# Item 3: a parent closes only over closed children; head approval applies to claims


@pytest.fixture
def tree(p: Personas, today: Any) -> dict[str, Any]:
    plan = running_plan(p, today)
    parent = p.task(plan, title="项目储备", code="2.3")
    kids = [p.task(plan, title=f"子任务{i}", code=f"2.3.{i}", parent=parent) for i in (1, 2, 3)]
    return {"plan": plan, "parent": parent, "kids": kids}


def test_parent_claim_refused_while_children_are_open(p, tree):  # type: ignore[no-untyped-def]
    parent, kids = tree["parent"], tree["kids"]
    with pytest.raises(LuoshiError) as exc:
        task_claim_completion(actor=p.head_a, task=parent, note="全部完成", files=evidence())
    assert str(exc.value) == "下级任务尚未全部销号或取消：2.3.1、2.3.2、2.3.3。"
    assert Task.objects.get(pk=parent.pk).status == Status.IN_PROGRESS and not Claim.objects.exists()
    for kid in kids[:2]:
        claim_task(p.head_a, kid, note="完成")
        task_confirm_completion(actor=p.officer, task=kid)
    from luoshi.work.services import task_set_status

    task_set_status(actor=p.officer, task=kids[2], status=Status.CANCELLED, reason="并入2.3.2")
    claim_task(p.head_a, parent, note="全部完成")
    # A child reopened after the parent's claim blocks the confirmation again.
    task_reopen(actor=p.officer, task=kids[0], reason="复查")
    with pytest.raises(LuoshiError, match="2.3.1"):
        task_confirm_completion(actor=p.officer, task=parent)
    claim_task(p.head_a, kids[0])
    task_confirm_completion(actor=p.officer, task=kids[0])
    task_confirm_completion(actor=p.officer, task=parent)
    assert Task.objects.get(pk=parent.pk).status == Status.CLOSED


def test_office_closes_a_parent_with_its_children_with_a_reason(p, tree):  # type: ignore[no-untyped-def]
    parent, kids = tree["parent"], tree["kids"]
    for who in (p.reporter_a, p.head_a, p.leader):
        with pytest.raises(NotAllowed):
            task_close_with_children(actor=who, task=parent, reason="整体验收")
    with pytest.raises(LuoshiError, match="理由"):
        task_close_with_children(actor=p.officer, task=parent, reason="")
    task_close_with_children(actor=p.officer, task=parent, reason="整体通过验收")
    assert set(
        Task.objects.filter(pk__in=[parent.pk, *[k.pk for k in kids]]).values_list("status", flat=True)
    ) == {Status.CLOSED}
    assert actions(kids[0])[-1] == "work.task.closed_with_parent"
    assert actions(parent)[-1] == "work.task.closed_with_children"
    assert Transition.objects.get(task=kids[1], to_status=Status.CLOSED).reason == "整体通过验收"


def test_claim_needs_the_unit_head_where_the_plan_asks(p, tree):  # type: ignore[no-untyped-def]
    kid = tree["kids"][0]
    task_claim_completion(actor=p.reporter_a, task=kid, note="已完成", files=evidence())
    claim = Claim.objects.get(task=kid)
    kid.refresh_from_db()
    assert claim.state == ClaimState.PENDING and kid.status == Status.IN_PROGRESS
    # Like a pending report, a pending claim (and its evidence) stays inside the unit.
    ev = claim.evidence.get()
    assert client_for(p.head_a).get(f"/work/evidence/{ev.pk}/").status_code == 200
    assert client_for(p.officer).get(f"/work/evidence/{ev.pk}/").status_code == 404
    with pytest.raises(LuoshiError):  # nothing reached the office yet
        task_confirm_completion(actor=p.officer, task=kid)
    head_b = make_user("head_b", unit=p.unit_b, role=Role.HEAD, name="乙局长")
    for who in (p.reporter_a, p.officer, p.leader, head_b):
        with pytest.raises(NotAllowed):
            task_claim_approve(actor=who, claim=claim)
    with pytest.raises(LuoshiError, match="理由"):
        task_claim_return(actor=p.head_a, claim=claim, reason="")
    task_claim_return(actor=p.head_a, claim=claim, reason="佐证不足")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.REJECTED
    task_claim_completion(actor=p.reporter_a, task=kid, note="补充佐证", files=evidence())
    again = Claim.objects.get(task=kid, state=ClaimState.PENDING)
    task_claim_approve(actor=p.head_a, claim=again)
    kid.refresh_from_db()
    again.refresh_from_db()
    assert kid.status == Status.CLAIMED and kid.claimed_by == p.reporter_a and again.head == p.head_a
    assert actions(kid)[-4:] == [
        "work.task.completion_filed",
        "work.task.completion_returned",
        "work.task.completion_filed",
        "work.task.completion_claimed",
    ]
    task_confirm_completion(actor=p.officer, task=kid)
    assert Claim.objects.get(pk=again.pk).state == ClaimState.CONFIRMED


def test_claim_pages_head_approves_then_office_confirms(p, tree):  # type: ignore[no-untyped-def]
    parent, kid = tree["parent"], tree["kids"][0]
    html = client_for(p.reporter_a).get(f"/work/tasks/{parent.pk}/").content.decode()
    assert 'id="claim-blocked"' in html and "2.3.1" in html and 'id="claim-form"' not in html
    assert (
        'id="close-together-form"' in client_for(p.officer).get(f"/work/tasks/{parent.pk}/").content.decode()
    )
    response = client_for(p.reporter_a).post(
        f"/work/tasks/{parent.pk}/claim/", {"note": "全部完成", "evidence": evidence()}
    )
    assert response.status_code == 302 and not Claim.objects.exists()

    response = client_for(p.reporter_a).post(
        f"/work/tasks/{kid.pk}/claim/", {"note": "已完成", "evidence": evidence()}, **HX
    )
    assert "等待单位负责人审核" in response.content.decode()
    claim = Claim.objects.get(task=kid)
    assert f'id="claim-approval-{claim.pk}"' in client_for(p.head_a).get("/work/approvals/").content.decode()
    approve = f"/work/claims/{claim.pk}/approve/"
    assert client_for(p.reporter_a).post(approve).status_code == 403
    assert client_for(p.reporter_b).post(approve).status_code == 404
    response = client_for(p.head_a).post(approve, **HX)
    assert "已审核通过完成申请" in response.content.decode()
    assert f'id="claim-{kid.pk}"' in client_for(p.officer).get("/work/review/").content.decode()


# ---------------------------------------------------------------------------------------------
# Item 4: a claim carries evidence and the final value; progress stays what was reported


@pytest.fixture
def measured(p: Personas, today: Any) -> Any:
    plan = running_plan(p, today)
    task = p.task(
        plan, title="储备项目", code="2.3.2", metric_name="储备项目", metric_unit="个", baseline=0, target=200
    )
    report = report_submit(actor=p.reporter_a, task=task, value=193)
    report_approve(actor=p.head_a, report=report)
    task.refresh_from_db()
    assert task.actual_pct == Decimal("96.50")
    return task


def test_claim_needs_evidence_and_the_final_value(p, measured, today):  # type: ignore[no-untyped-def]
    with pytest.raises(LuoshiError, match="最终完成值"):
        task_claim_completion(actor=p.head_a, task=measured, note="已储备", files=evidence())
    with pytest.raises(LuoshiError, match="佐证材料"):
        task_claim_completion(actor=p.head_a, task=measured, note="已储备", value=193)
    assert not Claim.objects.exists()
    # A plan may say claims need no evidence.
    lax = running_plan(p, today, claim_evidence=False, head_approval=False)
    plain = p.task(lax, title="制度建设")
    task_claim_completion(actor=p.reporter_a, task=plain, note="已印发")
    assert Task.objects.get(pk=plain.pk).status == Status.CLAIMED


def test_closed_below_target_keeps_the_reported_value(p, measured, today):  # type: ignore[no-untyped-def]
    claim_task(p.head_a, measured, note="已储备项目193个", value=193)
    claim = Claim.objects.get(task=measured)
    assert claim.value == Decimal(193) and claim.evidence.count() == 1
    task_confirm_completion(actor=p.officer, task=measured, note="核实")
    measured.refresh_from_db()
    assert measured.status == Status.CLOSED and measured.light == Light.DONE
    assert measured.actual_pct == Decimal("96.50") and measured.closed_short
    final = Report.objects.effective().filter(task=measured).order_by("-id").first()
    assert final.value == Decimal(193) and final.author == p.head_a
    html = client_for(p.officer).get(f"/work/tasks/{measured.pk}/").content.decode()
    assert "完成（未达标）" in html and "实际进度 96.5%" in html
    b = build_bulletin(plan=measured.plan, on=today)
    assert b.totals.get(DONE_SHORT) == 1 and not b.totals.get(Light.DONE)
    assert "完成（未达标）1项" in b.summary


def test_closed_at_the_claimed_value_above_target(p, measured, today):  # type: ignore[no-untyped-def]
    claim_task(p.head_a, measured, note="已储备项目205个", value=205)
    task_confirm_completion(actor=p.officer, task=measured)
    measured.refresh_from_db()
    assert measured.actual_pct == Decimal("102.50") and not measured.closed_short
    assert build_bulletin(plan=measured.plan, on=today).totals.get(Light.DONE) == 1


def test_reviewer_sees_value_against_target_and_evidence(p, measured):  # type: ignore[no-untyped-def]
    claim_task(p.reporter_a, measured, note="已储备项目205个", value=205)
    html = client_for(p.officer).get("/work/review/").content.decode()
    row = html[html.index(f'id="claim-{measured.pk}"') :]
    assert "最终完成值 205 / 目标 200 个" in row
    assert "最近审核通过的填报 193 个" in row
    assert "验收报告.pdf" in row and "/work/evidence/" in row
    ev = Claim.objects.get(task=measured).evidence.get()
    assert client_for(p.officer).get(f"/work/evidence/{ev.pk}/").status_code == 200
    assert client_for(p.reporter_b).get(f"/work/evidence/{ev.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------
# API


def api(user: Any, method: str, url: str, data: Any = None, multipart: bool = False) -> Any:
    c = client_for(user)
    if method == "get":
        return c.get(API + url)
    if multipart:
        return c.post(API + url, data=data or {})
    return c.post(API + url, data=data or {}, content_type="application/json")


def test_api_milestone_claim_and_confirm(p, ms_task, today):  # type: ignore[no-untyped-def]
    ms = Milestone.objects.get(task=ms_task)
    met = (today - timedelta(days=10)).isoformat()
    url = f"/milestones/{ms.pk}/claim"
    assert (
        api(p.reporter_b, "post", url, {"met_on": met, "files": evidence()}, multipart=True).status_code
        == 404
    )
    assert api(p.leader, "post", url, {"met_on": met, "files": evidence()}, multipart=True).status_code == 403
    resp = api(p.reporter_a, "post", url, {"met_on": met}, multipart=True)
    assert resp.status_code == 400 and "佐证材料" in resp.json()["detail"]
    resp = api(
        p.reporter_a, "post", url, {"met_on": met, "note": "封顶", "files": evidence("a.pdf")}, multipart=True
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["kind"] == "milestone" and body["state"] == "submitted" and body["met_on"] == met
    assert [e["name"] for e in body["evidence"]] == ["a.pdf"]
    assert api(p.reporter_a, "post", f"/claims/{body['id']}/confirm", {}).status_code == 403
    resp = api(p.officer, "post", f"/claims/{body['id']}/confirm", {"note": "属实"})
    assert resp.status_code == 200 and resp.json()["state"] == "confirmed"
    assert api(p.officer, "post", f"/claims/{body['id']}/confirm", {}).status_code == 409
    detail = api(p.reporter_a, "get", f"/tasks/{ms_task.pk}").json()
    assert detail["milestones"][0]["met_on"] == met and detail["light"] == Light.GREEN


def test_api_completion_claim_head_then_office(p, measured):  # type: ignore[no-untyped-def]
    url = f"/tasks/{measured.pk}/claim"
    resp = api(p.reporter_a, "post", url, {"note": "已储备", "files": evidence()}, multipart=True)
    assert resp.status_code == 400 and "最终完成值" in resp.json()["detail"]
    resp = api(
        p.reporter_a, "post", url, {"note": "已储备", "value": "193", "files": evidence()}, multipart=True
    )
    assert resp.status_code == 201 and resp.json()["state"] == "pending" and resp.json()["value"] == 193
    cid = resp.json()["id"]
    # Still inside the unit: the office neither sees it nor may confirm it.
    assert api(p.officer, "post", f"/claims/{cid}/confirm", {}).status_code == 404
    assert cid not in {c["id"] for c in api(p.officer, "get", f"/tasks/{measured.pk}/claims").json()}
    assert api(p.reporter_a, "post", f"/claims/{cid}/approve").status_code == 403
    resp = api(p.head_a, "post", f"/claims/{cid}/approve")
    assert (
        resp.status_code == 200
        and resp.json()["state"] == "submitted"
        and resp.json()["head_id"] == p.head_a.pk
    )
    assert api(p.reporter_a, "post", f"/claims/{cid}/confirm", {}).status_code == 403
    resp = api(p.officer, "post", f"/claims/{cid}/confirm", {"note": "同意"})
    assert resp.status_code == 200 and resp.json()["state"] == "confirmed"
    detail = api(p.officer, "get", f"/tasks/{measured.pk}").json()
    assert detail["status"] == "closed" and detail["actual_pct"] == 96.5


def test_api_parent_claim_refused_and_closed_together(p, tree):  # type: ignore[no-untyped-def]
    parent = tree["parent"]
    resp = api(
        p.head_a,
        "post",
        f"/tasks/{parent.pk}/claim",
        {"note": "全部完成", "files": evidence()},
        multipart=True,
    )
    assert resp.status_code == 400 and "2.3.1" in resp.json()["detail"]
    assert (
        api(p.head_a, "post", f"/tasks/{parent.pk}/close-together", {"reason": "整体验收"}).status_code == 403
    )
    resp = api(p.officer, "post", f"/tasks/{parent.pk}/close-together", {"reason": "整体验收"})
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert not Task.objects.filter(parent=parent).exclude(status=Status.CLOSED).exists()
    task_refresh(task=parent)
