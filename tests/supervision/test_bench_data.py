"""The bench generator's supervision rows at its tiny scale: items on leaf tasks with their trail,
numbered notices and proposals, and the pages and the step work on them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from luoshi.supervision.models import Handoff, Item, Notice, NoticeCounter, Proposal
from luoshi.supervision.services import escalations_step
from luoshi.work.models import Task
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_tiny_bench_data_has_supervision_rows() -> None:
    call_command("bench_data", "--scale", "tiny", "--today", "2026-06-30", stdout=io.StringIO())
    items = Item.objects.count()
    assert items > 0
    assert not Task.objects.filter(pk__in=Item.objects.values("task_id"), children__isnull=False).exists()
    assert Handoff.objects.filter(kind="assign").count() == items
    counters = dict(NoticeCounter.objects.filter(year=2026).values_list("region_id", "last"))
    assert counters and set(counters) == set(Notice.objects.values_list("region_id", flat=True))
    for region, last in counters.items():  # each region's office numbers its own notices from 1
        seqs = sorted(Notice.objects.filter(region_id=region).values_list("seq", flat=True))
        assert seqs == list(range(1, last + 1)), region
    assert all(p.rank > 0 for p in Proposal.objects.all())
    before = Proposal.objects.count()
    escalations_step(date(2026, 6, 30))
    assert Proposal.objects.count() >= before
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="r0_dc")
    for url in ("/supervision/queue/", "/supervision/idle/", "/supervision/"):
        assert client_for(officer).get(url).status_code == 200
