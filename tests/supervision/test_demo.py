"""The demo's supervision stories: items at every level, some idle, a response, an accountability
record, proposals waiting in the queue, a 通报 for the bulletin."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from luoshi.supervision.models import Accountability, Item, Notice, Proposal, Response
from luoshi.supervision.selectors import idle_items

pytestmark = pytest.mark.django_db


def test_demo_supervision_stories() -> None:
    call_command("demo", "--small", "--today", "2026-03-20", stdout=StringIO(), stderr=StringIO())
    assert Item.objects.count() == 8
    assert set(Notice.objects.values_list("level", flat=True)) == {
        "remind",
        "supervise",
        "bulletin",
        "account",
    }
    assert set(Item.objects.values_list("level", flat=True)) >= {
        "",
        "remind",
        "supervise",
        "bulletin",
        "account",
    }
    assert Response.objects.exists() and Accountability.objects.count() == 1
    assert Item.objects.filter(state="closed").count() == 1
    assert Proposal.objects.filter(state="pending").exists()
    assert Proposal.objects.filter(state="accepted").count() == 1
    officer = Item.objects.first().created_by
    assert idle_items(officer).exists()
    numbers = sorted(Notice.objects.values_list("seq", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert Notice.objects.filter(year=2026).count() == len(numbers)
    assert min(Notice.objects.values_list("issued_on", flat=True)) < date(2026, 3, 20)
