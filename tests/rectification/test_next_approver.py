"""The next approver of a sign-off hears of it through notify (in-app, and their channels), after
the commit, traced to the rule; a returned or finished sign-off tells the submitter."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from luoshi.notify import channels
from luoshi.notify.models import Notification, Outbox
from luoshi.notify.services import deliver, reminders_set
from luoshi.rectification.models import Problem
from luoshi.rectification.services import signoff_approve, signoff_reject, signoff_submit
from tests.factories import Personas, evidence

from .conftest import close_measures


def _told(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_each_step_tells_the_next_approver(
    p: Personas, problem: Problem, django_capture_on_commit_callbacks: Any
) -> None:
    close_measures(p, problem)
    Notification.objects.all().delete()
    title = f"{problem.number} {problem.text[:40]}"
    with django_capture_on_commit_callbacks(execute=True):
        signoff = signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=evidence())
    assert _told(p.head_a) == [f"请审核销号申请：{title}"]
    with django_capture_on_commit_callbacks(execute=True):
        signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    assert _told(p.leader) == [f"请审核销号申请：{title}"]
    with django_capture_on_commit_callbacks(execute=True):
        signoff_approve(actor=p.leader, signoff=signoff, step="leader")
    assert _told(p.officer) == _told(p.officer2) == [f"请审核销号申请：{title}"]
    with django_capture_on_commit_callbacks(execute=True):
        signoff_approve(actor=p.officer, signoff=signoff, step="office")
    assert _told(p.reporter_a) == [f"整改问题已销号：{title}"]
    assert not _told(p.reporter_b)
    rows = Outbox.objects.filter(rule="rectification.signoff.next")
    assert rows.count() == 5 and {r.source for r in rows} == {f"rectification.signoff:{signoff.pk}"}
    link = reverse("rectification:problem", args=[problem.pk])
    assert {r.payload["link"] for r in rows} == {link}


def test_a_return_tells_the_submitter_and_a_rollback_tells_no_one(
    p: Personas, problem: Problem, django_capture_on_commit_callbacks: Any
) -> None:
    close_measures(p, problem)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        signoff = signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=evidence())
        signoff_reject(actor=p.head_a, signoff=signoff, step="unit_head", note="佐证不足")
    assert _told(p.reporter_a) == [f"销号申请被退回：{problem.number} {problem.text[:40]}（佐证不足）"]
    # A refused approval (out of order) writes nothing and tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        signoff = signoff_submit(actor=p.reporter_a, problem=problem, note="补充佐证", files=evidence())
    before = Outbox.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            signoff_approve(actor=p.officer, signoff=signoff, step="office")
        except Exception:
            pass
    assert Outbox.objects.count() == before


def test_the_next_approver_hears_on_their_channels_from_the_outbox_step(
    p: Personas, problem: Problem, django_capture_on_commit_callbacks: Any
) -> None:
    fake = channels.RecordingChannel("dingtalk")
    channels.use("dingtalk", fake)
    try:
        from datetime import time

        reminders_set(actor=p.head_a, dingtalk_on=True, quiet_start=time(0, 0), quiet_end=time(0, 0))
        close_measures(p, problem)
        with django_capture_on_commit_callbacks(execute=True):
            signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=evidence())
        assert fake.sent == []  # not in the request
        deliver()
        assert [(m.recipient_id, m.link) for m in fake.sent] == [
            (p.head_a.pk, reverse("rectification:problem", args=[problem.pk]))
        ]
    finally:
        channels.use("dingtalk", None)
