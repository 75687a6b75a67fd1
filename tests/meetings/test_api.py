"""The meetings API router and the `luoshi agenda` command."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from luoshi.meetings import services
from luoshi.meetings.models import CheckInRefusal, Meeting
from tests.helpers import client_for, personas

from .conftest import World, day


@pytest.mark.parametrize("who", personas())
def test_meeting_list_per_persona(world: World, who: str) -> None:
    r = client_for(getattr(world.p, who)).get("/api/v1/meetings")
    if who == "anonymous":
        assert r.status_code == 401
        return
    assert r.status_code == 200
    ids = [m["id"] for m in r.json()["items"]]
    assert ids == ([world.meeting.pk] if who in ("officer", "leader", "head_a") else [])


def test_detail_and_agenda(world: World) -> None:
    c = client_for(world.p.officer)
    r = c.post(f"/api/v1/meetings/{world.meeting.pk}/agenda")
    assert r.status_code == 200 and r.json() == {"items": 3}
    body = c.get(f"/api/v1/meetings/{world.meeting.pk}").json()
    assert {a["task_id"]: a["reasons"] for a in body["agenda"]} == {
        world.red.pk: ["red"],
        world.overdue.pk: ["overdue"],
        world.late.pk: ["late_report"],
    }
    assert {a["person"] for a in body["attendance"]} == {"甲局长", "王区长"}
    assert client_for(world.p.reporter_b).get(f"/api/v1/meetings/{world.meeting.pk}").status_code == 404
    assert client_for(world.p.leader).post(f"/api/v1/meetings/{world.meeting.pk}/agenda").status_code == 403
    series = c.get("/api/v1/meeting-series").json()
    assert series["items"][0]["meetings"] == 1 and series["items"][0]["chair"] == "王区长"


def test_checkin_and_decisions(world: World) -> None:
    c = client_for(world.p.officer)
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start):
        r = c.post(
            f"/api/v1/meetings/{world.meeting.pk}/checkin",
            {"card_no": "0012345678"},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["state"] == "present"
        r = c.post(
            f"/api/v1/meetings/{world.meeting.pk}/checkin",
            {"card_no": "404"},
            content_type="application/json",
        )
    assert r.status_code == 400 and "未登记" in r.json()["detail"]
    assert CheckInRefusal.objects.count() == 1
    services.decision_add(
        actor=world.p.officer,
        meeting=world.meeting,
        text="督促开工",
        owner_unit=world.p.unit_a,
        deadline=day(world.start) + timedelta(days=5),
    )
    r = c.post(f"/api/v1/meetings/{world.meeting.pk}/decisions/tasks")
    assert r.status_code == 201 and r.json()["count"] == 1
    assert c.post(f"/api/v1/meetings/{world.meeting.pk}/decisions/tasks").status_code == 400


def test_agenda_command(world: World) -> None:
    out = io.StringIO()
    call_command("agenda", "--meeting", str(world.meeting.pk), "--generate", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:3] == ["sort", "task_id", "title"]
    assert sorted(r[2] for r in rows[1:]) == sorted(["红灯任务", "逾期任务", "迟报任务"])
    call_command("agenda", "--meeting", str(world.meeting.pk), "--send", stdout=io.StringIO())
    with pytest.raises(CommandError, match="议程已经发出"):
        call_command("agenda", "--meeting", str(world.meeting.pk), "--generate", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no meeting"):
        call_command("agenda", "--meeting", "999999", stdout=io.StringIO())


def test_api_list_query_counts(world: World) -> None:
    from tests.helpers import exact_queries

    c = client_for(world.p.officer)
    c.get("/api/v1/meetings")
    counted = {}
    for size in (3, 30):
        while Meeting.objects.count() < size:
            services.meeting_create(
                actor=world.p.officer,
                series=world.series,
                starts_at=world.start + timedelta(days=Meeting.objects.count()),
            )
        with exact_queries(f"meetings.api[officer /api/v1/meetings]@{size}") as listed:
            assert len(c.get("/api/v1/meetings?limit=50").json()["items"]) == size
        with exact_queries(f"meetings.api[officer /api/v1/meeting-series]@{size}") as series:
            assert c.get("/api/v1/meeting-series").status_code == 200
        counted[size] = (listed.count, series.count)
    assert counted[30] <= counted[3]
