"""The notify app: outbox rows written with the write, delivered after commit, once, retried."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from luoshi.jobs import services as jobs
from luoshi.notify import services
from luoshi.notify.models import Notification, Outbox, OutboxState
from luoshi.notify.services import MAX_ATTEMPTS, Message, deliver, notify
from luoshi.work.models import Follow, Plan
from luoshi.work.services import milestone_claim, milestone_reject, task_claim_completion, task_claim_return
from tests.factories import Personas, evidence
from tests.helpers import client_for


@pytest.fixture
def plan(p: Personas) -> Plan:
    return p.plan(head_approval=False)


def test_notify_delivers_after_commit_and_only_then(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan)
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = notify([Message(p.reporter_a.pk, task.pk, "填报被退回：请补充")], rule="test")
        assert not Notification.objects.exists()  # queued, not yet delivered
        assert Outbox.objects.get(pk=pk).state == OutboxState.PENDING
    row = Outbox.objects.get(pk=pk)
    assert (row.state, row.attempts, row.last_error, row.recipient_id) == ("sent", 1, "", p.reporter_a.pk)
    assert row.sent_at is not None and row.payload == {"task": task.pk, "text": "填报被退回：请补充"}
    assert list(Notification.objects.values_list("user_id", "task_id", "text", "read")) == [
        (p.reporter_a.pk, task.pk, "填报被退回：请补充", False)
    ]


def test_a_rolled_back_write_queues_and_delivers_nothing(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify([Message(p.reporter_a.pk, None, "不会送达")], rule="test")
            raise RuntimeError("rolled back")
    assert not Outbox.objects.exists() and not Notification.objects.exists()


def test_delivery_is_idempotent(p: Personas) -> None:
    ids = notify([Message(p.reporter_a.pk, None, "一"), Message(p.head_a.pk, None, "二")], rule="test")
    assert deliver(ids=ids) == 2
    assert deliver(ids=ids) == 0 and deliver() == 0
    assert sorted(Notification.objects.values_list("text", flat=True)) == ["一", "二"]
    assert set(Outbox.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_failed_rows_are_retried_up_to_the_limit(p: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = notify([Message(p.reporter_a.pk, None, "坏"), Message(p.head_a.pk, None, "好")], rule="test")

    def flaky(rows: Sequence[Outbox]) -> None:
        if any(r.payload["text"] == "坏" for r in rows):
            raise ValueError("channel down")
        services._in_app(rows)

    monkeypatch.setitem(services.CHANNELS, "in_app", flaky)
    assert deliver(ids=ids) == 1  # the good row is not held back by the bad one
    bad = Outbox.objects.get(payload__text="坏")
    assert (bad.state, bad.attempts) == ("failed", 1) and "channel down" in bad.last_error
    assert list(Notification.objects.values_list("text", flat=True)) == ["好"]
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert deliver() == 0
        assert Outbox.objects.get(pk=bad.pk).attempts == attempt
    assert deliver() == 0  # given up: attempts stay at the limit
    assert Outbox.objects.get(pk=bad.pk).attempts == MAX_ATTEMPTS
    # A row with attempts left is sent once the channel works again.
    Outbox.objects.filter(pk=bad.pk).update(attempts=MAX_ATTEMPTS - 1)
    monkeypatch.undo()
    assert deliver() == 1
    assert Outbox.objects.get(pk=bad.pk).state == OutboxState.SENT
    assert sorted(Notification.objects.values_list("text", flat=True)) == ["坏", "好"]


def test_the_tick_sends_what_an_earlier_reaction_failed_to_send(
    p: Personas, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    [pk] = notify([Message(p.reporter_a.pk, None, "重试")], rule="test")
    Outbox.objects.filter(pk=pk).update(state=OutboxState.FAILED, attempts=1, last_error="down")
    jobs.tick_run(on=date(2024, 7, 1))
    assert Outbox.objects.get(pk=pk).state == OutboxState.SENT
    assert Notification.objects.filter(user=p.reporter_a, text="重试").count() == 1


def test_followers_read_the_light_change_as_before(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan, title="建设产业园")
    Follow.objects.create(user=p.leader, task=task)
    Follow.objects.create(user=p.head_a, task=task)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.tick_run(on=date(2024, 7, 1))
    # Staged, not told at once (it may still flap back); told once its day has ended.
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_step(date(2024, 7, 2))
    got = set(Notification.objects.values_list("user_id", "task_id", "text"))
    assert got == {(u.pk, task.pk, "建设产业园：逾期 → 严重滞后") for u in (p.leader, p.head_a)}
    assert Outbox.objects.filter(state=OutboxState.SENT).count() == 2


def test_returned_claims_tell_their_author(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    plan = p.plan(head_approval=True)
    task = p.task(plan)
    task_claim_completion(actor=p.reporter_a, task=task, note="已完工", files=evidence())
    claim = task.claims.get()
    with django_capture_on_commit_callbacks(execute=True):
        task_claim_return(actor=p.head_a, claim=claim, reason="佐证不足")
    assert list(Notification.objects.values_list("user_id", "task_id", "text")) == [
        (p.reporter_a.pk, task.pk, "完成申请被退回：佐证不足")
    ]
    milestone = task.milestones.create(title="完成签约", due=date(2024, 3, 31))
    mclaim = milestone_claim(
        actor=p.reporter_a,
        milestone=milestone,
        met_on=date(2024, 3, 30),
        files=evidence(),
        on=date(2024, 4, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        milestone_reject(actor=p.officer, claim=mclaim, reason="日期不符")
    assert Notification.objects.filter(
        user=p.reporter_a, task=task, text="节点完成被退回：完成签约（日期不符）"
    ).exists()


def test_every_message_names_its_rule_and_the_outbox_labels_it(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    """A message queued through `notify` keeps the rule that sent it and the task it is about; the
    office's outbox view shows the rule's label beside its name (an unknown rule shows its name)."""
    from luoshi.notify.rules import RULE_LABELS, rule_label

    task = p.task(plan)
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = notify([Message(p.reporter_a.pk, task.pk, "填报被退回：请补充")], rule="work.report.returned")
    row = Outbox.objects.get(pk=pk)
    assert (row.rule, row.source) == ("work.report.returned", f"work.task:{task.pk}")
    assert rule_label("work.report.returned") == "填报被退回" and rule_label("x.unknown") == "x.unknown"
    assert all(str(label) for label in RULE_LABELS.values())
    page = client_for(p.officer).get("/notifications/outbox/").content.decode()
    assert "填报被退回" in page and '<code class="small muted">work.report.returned</code>' in page
