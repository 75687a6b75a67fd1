"""Supervision's services: items and their tasks, hand-offs in and out of scope, the daily step
(set-based, never twice), decisions (double and concurrent), notices, responses, accountability."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.supervision import services
from luoshi.supervision.models import Handoff, Item, Notice, Proposal, RedStreak, Response
from luoshi.supervision.signals import notice_issued
from luoshi.work.models import Source, Task
from tests.factories import Personas, make_unit

from .conftest import age_item, make_item, set_task

pytestmark = pytest.mark.django_db


def test_item_from_instruction_makes_a_task_and_hands_it_over(p: Personas) -> None:
    item = make_item(p, co_units=[p.unit_b])
    task = Task.objects.get(pk=item.task_id)
    assert task.source == Source.INSTRUCTION and task.lead_unit_id == p.unit_a.pk
    assert task.plan.name.endswith("年督办事项")
    assert list(item.co_units.all()) == [p.unit_b]
    h = Handoff.objects.get(item=item)
    assert (h.kind, h.from_unit_id, h.to_unit_id) == ("assign", p.office.pk, p.unit_a.pk)
    assert item.holder_unit_id == p.unit_a.pk and not item.signed
    assert Entry.objects.filter(action="supervision.item.created", object_id=str(item.pk)).exists()


def test_item_links_an_existing_task_once(p: Personas) -> None:
    task = p.task(p.plan())
    item = make_item(p, source_kind="hotline", instruction_text="", task=task)
    assert item.task_id == task.pk
    with pytest.raises(InvalidField) as e:
        make_item(p, source_kind="hotline", instruction_text="", task=task)
    assert e.value.field == "task"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"instruction_text": ""}, "instruction_text"),
        ({"instruction_date": None}, "instruction_date"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"source_kind": "meeting", "instruction_text": ""}, "decision"),
        ({"cadence_days": 0}, "cadence_days"),
    ],
)
def test_item_bad_input_writes_nothing(p: Personas, change: dict, field: str) -> None:
    before = (Item.objects.count(), Task.objects.count())
    with pytest.raises(InvalidField) as e:
        make_item(p, **change)
    assert e.value.field == field
    assert (Item.objects.count(), Task.objects.count()) == before


def test_only_the_office_creates_items(p: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.item_create(
            actor=p.reporter_a,
            title="x",
            source_kind="hotline",
            lead_unit=p.unit_a,
            deadline=timezone.localdate(),
        )


def test_handoffs_sign_transfer_return(p: Personas, item: Item) -> None:
    item = services.item_handoff(actor=p.reporter_a, item=item, kind="sign")
    assert item.signed and item.holder_person_id == p.reporter_a.person.pk
    with pytest.raises(LuoshiError):
        services.item_handoff(actor=p.reporter_a, item=item, kind="sign")
    item = services.item_handoff(
        actor=p.head_a, item=item, kind="transfer", to_unit=p.unit_b, note="属财政局职责"
    )
    assert item.holder_unit_id == p.unit_b.pk and not item.signed
    with pytest.raises(NotAllowed):  # unit A no longer holds it
        services.item_handoff(actor=p.reporter_a, item=item, kind="sign")
    with pytest.raises(InvalidField):  # a return needs a reason
        services.item_handoff(actor=p.reporter_b, item=item, kind="return")
    item = services.item_handoff(actor=p.reporter_b, item=item, kind="return", note="不属于我局职责")
    assert item.holder_unit_id == p.unit_a.pk
    kinds = list(Handoff.objects.filter(item=item).order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["assign", "sign", "transfer", "return"]


def test_handoff_out_of_scope_is_refused(p: Personas, item: Item) -> None:
    other = make_unit("邻区", category="district", code="D9")
    outside = make_unit("邻区发改局", parent=other, code="D9F")
    before = Handoff.objects.count()
    with pytest.raises(InvalidField) as e:
        services.item_handoff(actor=p.officer, item=item, kind="transfer", to_unit=outside)
    assert e.value.field == "to_unit" and "不在本督办事项的范围内" in e.value.message
    assert Handoff.objects.count() == before
    assert Item.objects.get(pk=item.pk).holder_unit_id == p.unit_a.pk


def test_handoff_with_stale_version_conflicts(p: Personas, item: Item) -> None:
    services.item_handoff(actor=p.reporter_a, item=item, kind="sign", version=item.version)
    with pytest.raises(Conflict):
        services.item_handoff(
            actor=p.officer, item=item, kind="transfer", to_unit=p.unit_b, version=item.version
        )


def _step(day=None):  # type: ignore[no-untyped-def]
    return services.escalations_step(day or timezone.localdate())


def test_step_proposes_once_and_is_set_based(p: Personas, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    items = [make_item(p, title=f"事项{i}") for i in range(6)]
    for i in items:
        set_task(i.task_id, report_late=True)
        age_item(i, 10)
    with django_assert_max_num_queries(20):
        first = _step()
    assert first["proposed"] == 12  # 催办 for the late report and for idling, each item
    assert _step()["proposed"] == 0  # a second run proposes nothing again
    assert Proposal.objects.count() == 12
    assert set(Proposal.objects.values_list("level", "reason")) == {
        ("remind", "late_report"),
        ("remind", "idle"),
    }


def test_red_for_n_days_proposes_supervision_for_a_bare_task(p: Personas) -> None:
    today = timezone.localdate()
    task = p.task(
        p.plan(
            name="年度目标",
            year=today.year,
            start=today - timedelta(days=200),
            due=today + timedelta(days=100),
        )
    )
    set_task(task.pk, light="red")
    _step(today - timedelta(days=14))
    assert RedStreak.objects.get(task=task).since == today - timedelta(days=14)
    assert Proposal.objects.count() == 0  # red for 0 days then
    out = _step(today)
    assert out["proposed"] == 1
    proposal = Proposal.objects.get()
    assert (proposal.item_id, proposal.level, proposal.reason, proposal.days) == (
        None,
        "supervise",
        "red",
        14,
    )
    set_task(task.pk, light="yellow")
    _step(today)
    assert not RedStreak.objects.filter(task=task).exists()


def test_accept_makes_item_and_numbered_notice_with_signal(
    p: Personas, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    task = p.task(
        p.plan(
            name="年度目标",
            year=today.year,
            start=today - timedelta(days=200),
            due=today + timedelta(days=100),
        )
    )
    set_task(task.pk, light="red")
    RedStreak.objects.create(task=task, since=today - timedelta(days=20))
    _step(today)
    proposal = Proposal.objects.get()
    got: list[dict] = []

    def receiver(sender, **kw):  # type: ignore[no-untyped-def]
        got.append(kw)

    notice_issued.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            [notice] = services.proposals_decide(actor=p.officer, proposals=[proposal.pk], accept=True)
    finally:
        notice_issued.disconnect(receiver)
    item = Item.objects.get(task=task)
    assert item.source_kind == "light" and item.level == "supervise"
    assert notice.number == f"督〔{today.year}〕1号" and notice.unit_id == p.unit_a.pk
    assert got == [
        {
            "signal": notice_issued,
            "notice_id": notice.pk,
            "item_id": item.pk,
            "level": "supervise",
            "unit_id": p.unit_a.pk,
            "deadline": notice.response_due,
        }
    ]
    second = services.notice_issue(actor=p.officer, item=item, level="bulletin")
    assert second.seq == 2 and Item.objects.get(pk=item.pk).level == "bulletin"


def test_double_decision_is_a_conflict(p: Personas, item: Item) -> None:
    set_task(item.task_id, report_late=True)
    _step()
    proposal = Proposal.objects.get()
    services.proposals_decide(actor=p.officer, proposals=[proposal.pk], accept=False, reason="已电话催办")
    with pytest.raises(Conflict):
        services.proposals_decide(actor=p.officer2, proposals=[proposal.pk], accept=True)
    assert Notice.objects.count() == 0
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by_id, proposal.dismiss_reason) == (
        "dismissed",
        p.officer.pk,
        "已电话催办",
    )


def test_dismiss_needs_a_reason_and_accept_can_change_level(p: Personas, item: Item) -> None:
    set_task(item.task_id, report_late=True)
    _step()
    proposal = Proposal.objects.get()
    with pytest.raises(InvalidField):
        services.proposals_decide(actor=p.officer, proposals=[proposal.pk], accept=False)
    with pytest.raises(NotAllowed):
        services.proposals_decide(actor=p.head_a, proposals=[proposal.pk], accept=True)
    [notice] = services.proposals_decide(
        actor=p.officer, proposals=[proposal.pk], accept=True, level="supervise"
    )
    assert notice.level == "supervise"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_level, proposal.item_id) == ("accepted", "supervise", item.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once(p: Personas) -> None:
    item = make_item(p)
    set_task(item.task_id, report_late=True)
    _step()
    proposal = Proposal.objects.get()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.proposals_decide(actor=actor, proposals=[proposal.pk], accept=True)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (p.officer, p.officer2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Notice.objects.count() == 1


def test_response_supersedes_and_is_refused_after_closing(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="remind")
    with pytest.raises(NotAllowed):
        services.response_submit(actor=p.reporter_b, notice=notice, text="x")
    first = services.response_submit(actor=p.reporter_a, notice=notice, text="已制定方案")
    second = services.response_submit(actor=p.head_a, notice=notice, text="方案已报区政府")
    assert second.supersedes_id == first.pk
    assert Response.objects.get(pk=first.pk).text == "已制定方案"  # never edited
    services.item_close(actor=p.officer, item=item, effect="改造完成12个小区")
    with pytest.raises(LuoshiError):
        services.response_submit(actor=p.reporter_a, notice=notice, text="再报")
    assert Response.objects.count() == 2


def test_stalled_item_must_give_a_reason(p: Personas, item: Item) -> None:
    Item.objects.filter(pk=item.pk).update(created=timezone.now() - timedelta(days=40))
    notice = services.notice_issue(actor=p.officer, item=item, level="remind")
    with pytest.raises(InvalidField) as e:
        services.response_submit(actor=p.reporter_a, notice=notice, text="正在推进")
    assert e.value.field == "stall_reason"
    r = services.response_submit(
        actor=p.reporter_a, notice=notice, text="正在推进", stall_reason="资金未到位"
    )
    assert r.stall_reason == "资金未到位"


def test_unanswered_notice_proposes_the_next_level(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    later = notice.response_due + timedelta(days=1)
    services.escalations_step(later)
    assert set(Proposal.objects.values_list("level", "reason")) >= {("bulletin", "no_response")}


def test_accountability_needs_the_level_and_is_hidden(p: Personas, item: Item) -> None:
    from luoshi.supervision.models import Accountability

    today = timezone.localdate()
    with pytest.raises(LuoshiError):
        services.accountability_record(
            actor=p.officer,
            item=item,
            person=p.head_a.person,
            finding="x",
            outcome="interview",
            decided_on=today,
        )
    services.notice_issue(actor=p.officer, item=item, level="account")
    acc = services.accountability_record(
        actor=p.officer,
        item=item,
        person=p.head_a.person,
        finding="推诿扯皮",
        outcome="admonition",
        decided_on=today,
    )
    assert list(Accountability.objects.visible_to(p.officer)) == [acc]
    assert list(Accountability.objects.visible_to(p.auditor)) == [acc]
    assert list(Accountability.objects.visible_to(p.leader)) == [acc]  # unit A is in the leader's portfolio
    assert list(Accountability.objects.visible_to(p.head_a)) == []
    assert list(Accountability.objects.visible_to(p.reporter_b)) == []
    assert list(Accountability.objects.visible_to(None)) == []


def test_close_dismisses_pending_proposals(p: Personas, item: Item) -> None:
    set_task(item.task_id, report_late=True)
    _step()
    with pytest.raises(InvalidField):
        services.item_close(actor=p.officer, item=item, effect=" ")
    services.item_close(actor=p.officer, item=item, effect="完成")
    assert set(Proposal.objects.values_list("state", flat=True)) == {"dismissed"}
    with pytest.raises(LuoshiError):
        services.item_handoff(actor=p.officer, item=item, kind="transfer", to_unit=p.unit_b)


def test_a_notice_reaches_the_units_heads_and_reporters_once(
    p: Personas, item: Item, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The unit that receives a notice is told after the commit (rule supervision.notice.issued):
    its head and reporter, in-app, with the notice's number and the response's due date; the same
    notice's event again tells nobody twice, and a rolled-back notice tells nobody."""
    from luoshi.notify.models import Notification, Outbox
    from luoshi.supervision.receivers import on_notice_issued

    with pytest.raises(RuntimeError), transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            services.notice_issue(actor=p.officer, item=item, level="remind")
            raise RuntimeError("rolled back")
    assert not Outbox.objects.filter(rule="supervision.notice.issued").exists()

    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_issue(actor=p.officer, item=item, level="remind")
    rows = Outbox.objects.filter(rule="supervision.notice.issued")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([p.head_a.pk, p.reporter_a.pk])
    assert {r.source for r in rows} == {f"supervision.notice:{notice.pk}"}
    text = Notification.objects.filter(user=p.reporter_a).latest("pk").text
    assert notice.number in text and notice.response_due.isoformat() in text and item.title[:20] in text
    on_notice_issued(
        Notice,
        notice_id=notice.pk,
        item_id=item.pk,
        level=notice.level,
        unit_id=notice.unit_id,
        deadline=notice.response_due,
    )
    assert rows.count() == 2


def test_an_item_begun_in_december_and_due_in_january_lies_within_its_plan(p: Personas) -> None:
    """Its task goes to the plan of the year it began, whose end moves to the deadline (audited);
    a later item due earlier leaves the plan as it is."""
    from django.db.models import F, Q

    item = make_item(p, instruction_date=date(2025, 12, 10), deadline=date(2026, 2, 4))
    task = Task.objects.select_related("plan").get(pk=item.task_id)
    assert task.plan.name == "2025年督办事项" and task.start == date(2025, 12, 10)
    assert (task.plan.start, task.plan.due) == (date(2025, 1, 1), date(2026, 2, 4))
    later = make_item(p, title="再一项", instruction_date=date(2025, 12, 20), deadline=date(2026, 3, 1))
    assert Task.objects.get(pk=later.task_id).plan_id == task.plan_id
    task.plan.refresh_from_db()
    assert task.plan.due == date(2026, 3, 1)
    assert Entry.objects.filter(action="work.plan.updated", object_id=str(task.plan_id)).exists()
    make_item(p, title="三项", instruction_date=date(2025, 6, 1), deadline=date(2025, 9, 1))
    task.plan.refresh_from_db()
    assert task.plan.due == date(2026, 3, 1)
    outside = Task.objects.filter(Q(start__lt=F("plan__start")) | Q(due__gt=F("plan__due")))
    assert not outside.exists()
