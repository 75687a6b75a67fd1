"""Pages of dispatch meetings per persona, the card reader's HTMX box, the QR flow, the memo files,
the calendar feed, and query counts."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from luoshi.meetings import ical, services
from luoshi.meetings.models import Attendance, CalendarFeed, CheckInRefusal, Decision
from tests.helpers import client_for, exact_queries, personas

from .conftest import World, day


def _url(world: World, tail: str = "") -> str:
    return f"/meetings/{world.meeting.pk}/{tail}"


@pytest.mark.parametrize("who", personas())
def test_meeting_page_per_persona(world: World, who: str) -> None:
    user = getattr(world.p, who)
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    response = client_for(user).get(_url(world))
    # the office and leaders see every meeting; the head of A is on the roll; others are not
    if who == "anonymous":
        assert response.status_code == 302
    elif who in ("officer", "leader", "head_a"):
        assert response.status_code == 200
        assert "红灯任务" in response.content.decode()
        assert ('id="checkin"' in response.content.decode()) is (who == "officer")
    else:
        assert response.status_code == 404


def test_anonymous_is_sent_to_login(world: World) -> None:
    assert client_for(None).get(_url(world)).status_code == 302
    assert client_for(None).get("/meetings/").status_code == 302


def test_list_page_shows_visible_meetings(world: World) -> None:
    body = client_for(world.p.head_a).get("/meetings/").content.decode()
    assert "区长调度会 第1期" in body
    body = client_for(world.p.reporter_b).get("/meetings/").content.decode()
    assert "区长调度会 第1期" not in body


def test_card_reader_box_answers_and_clears(world: World) -> None:
    c = client_for(world.p.officer)
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start):
        r = c.post(_url(world, "checkin/"), {"card_no": "0012345678"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert "甲局长：出席" in body and 'hx-swap-oob="true"' in body
    assert 'name="card_no"' in body and 'value="0012345678"' not in body  # the box is empty again
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start):
        r = c.post(_url(world, "checkin/"), {"card_no": "123"}, HTTP_HX_REQUEST="true")
    assert "卡号 123 未登记" in r.content.decode()
    assert CheckInRefusal.objects.filter(reason="unknown_card").count() == 1


def test_card_reader_box_keeps_focus_and_says_who_signed_in(world: World) -> None:
    """The live region says who signed in (or why not); focus stays in the box for the next card, which
    is marked invalid and points at the message after a refusal."""
    c = client_for(world.p.officer)
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start):
        r = c.post(_url(world, "checkin/"), {"card_no": "0012345678"}, HTTP_HX_REQUEST="true")
        said = json.loads(r["HX-Trigger-After-Settle"])["luoshi:announce"]
        assert said == {"message": "甲局长：出席", "focus": "#card-no"}
        assert "aria-invalid" not in r.content.decode()
        r = c.post(_url(world, "checkin/"), {"card_no": "123"}, HTTP_HX_REQUEST="true")
    said = json.loads(r["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert "卡号 123 未登记" in said["message"] and said["focus"] == "#card-no"
    assert 'aria-invalid="true" aria-describedby="checkin-result"' in r.content.decode()


def test_card_reader_refused_for_a_head(world: World) -> None:
    r = client_for(world.p.head_a).post(
        _url(world, "checkin/"), {"card_no": "0012345678"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 403


def test_qr_flow(world: World) -> None:
    officer = client_for(world.p.officer)
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start - timedelta(minutes=1)):
        r = officer.get(_url(world, "door/"))
    assert r.status_code == 200 and "<svg" in r.content.decode()
    token = r.context["token"].token
    phone = client_for(world.p.head_a)
    assert phone.get(f"/meetings/qr/{token}/").status_code == 200
    assert client_for(world.p.head_a).get(_url(world, "door/")).status_code == 403
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=world.start):
        r = phone.post(f"/meetings/qr/{token}/")
        assert r.status_code == 200 and "签到成功" in r.content.decode()
        again = client_for(world.p.leader).post(f"/meetings/qr/{token}/")
    assert again.status_code == 400 and "已被使用" in again.content.decode()
    assert Attendance.objects.get(meeting=world.meeting, person=world.p.head_a.person).method == "qr"


def test_decisions_and_make_tasks_pages(world: World) -> None:
    c = client_for(world.p.officer)
    deadline = day(world.start) + timedelta(days=10)
    r = c.post(
        _url(world, "decisions/"),
        {"text": "限期完成征地", "owner_unit": world.p.unit_a.pk, "deadline": deadline.isoformat()},
    )
    assert r.status_code == 302
    r = c.post(
        _url(world, "decisions/"), {"text": "x", "owner_unit": world.p.unit_a.pk, "deadline": "2000-01-01"}
    )
    assert r.status_code == 400 and "不能早于会议日期" in r.content.decode()
    assert client_for(world.p.leader).post(_url(world, "do/tasks/")).status_code == 403
    r = c.post(_url(world, "do/tasks/"), follow=True)
    assert "议定事项已转为任务：1项" in r.content.decode()
    task_id = Decision.objects.get().task_id
    body = client_for(world.p.reporter_a).get("/work/tasks/").content.decode()
    assert "限期完成征地" in body and f"/work/tasks/{task_id}/" in body


def test_minutes_conflict_page(world: World) -> None:
    c = client_for(world.p.officer)
    assert c.post(_url(world, "minutes/"), {"minutes": "甲", "version": 1}).status_code == 302
    r = c.post(_url(world, "minutes/"), {"minutes": "乙", "version": 1}, follow=True)
    assert "已被他人修改" in r.content.decode()


def test_memo_files(world: World) -> None:
    p = world.p
    services.decision_add(
        actor=p.officer,
        meeting=world.meeting,
        text="加快审批；逗号,测试",
        owner_unit=p.unit_a,
        deadline=day(world.start),
    )
    services.agenda_generate(actor=p.officer, meeting=world.meeting)
    c = client_for(p.leader)
    r = c.get(_url(world, "memo.docx"))
    assert r.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "会议纪要" in xml and "区长调度会纪要" in xml and "加快审批" in xml and "区发展和改革局" in xml
    # What was heard, and why each item came up (the agenda's reasons, labelled)
    assert "听取事项" in xml and "听取3项滞后事项" in xml
    assert "红灯任务（牵头单位：" in xml and "上会原因：严重滞后" in xml and "上会原因：逾期" in xml
    r = c.get(_url(world, "memo.pdf"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert c.get(_url(world, "memo.exe")).status_code == 404
    assert client_for(p.reporter_b).get(_url(world, "memo.pdf")).status_code == 404


def test_calendar_feed(world: World) -> None:
    c = client_for(world.p.head_a)
    assert c.post("/meetings/calendar/").status_code == 302
    feed = CalendarFeed.objects.get(user=world.p.head_a)
    body = client_for(None).get(f"/meetings/ical/{feed.token}.ics")
    assert body.status_code == 200 and body["Content-Type"].startswith("text/calendar")
    text = body.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    events = _parse(text)
    summaries = [e["SUMMARY"] for e in events]
    assert "【截止】红灯任务" in summaries and "区长调度会 第1期" in summaries
    assert "【截止】乙单位红灯任务" not in summaries
    meeting = next(e for e in events if e["SUMMARY"] == "区长调度会 第1期")
    assert meeting["DTSTART"] == world.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert client_for(None).get("/meetings/ical/wrong.ics").status_code == 404
    old = feed.token
    c.post("/meetings/calendar/")
    assert client_for(None).get(f"/meetings/ical/{old}.ics").status_code == 404


def _parse(text: str) -> list[dict[str, str]]:
    """A small RFC 5545 reader: unfold, split properties, unescape TEXT."""
    unfolded = text.replace("\r\n ", "")
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None and line:
            name, _, value = line.partition(":")
            value = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
            current[name.split(";")[0]] = value
    return events


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a,b;c\\d\ne", "a\\,b\\;c\\\\d\\ne"), ("平常文字", "平常文字"), ("x\r\ny", "x\\ny")],
)
def test_ical_escape(text: str, escaped: str) -> None:
    assert ical.escape(text) == escaped


def test_ical_fold_keeps_characters_whole() -> None:
    line = "SUMMARY:" + "调度会议题" * 40
    folded = ical.fold(line)
    parts = folded.split("\r\n ")
    assert all(len(part.encode()) <= 75 for part in parts[:1]) and all(
        len(part.encode()) <= 74 for part in parts[1:]
    )
    assert "".join(parts) == line


def test_query_counts(p) -> None:  # type: ignore[no-untyped-def]
    """The list and the meeting page cost the same at 3 and at 30 meetings, agenda items and people."""
    from datetime import time

    from luoshi.meetings.services import _roll
    from luoshi.org.models import Person, Post
    from luoshi.work.models import Task
    from tests.factories import make_user

    Post.objects.filter(memberships__person__user=p.head_a).update(senior=True)
    today = timezone.localdate()
    plan = p.plan(
        name="计划", year=today.year, start=today - timedelta(days=30), due=today + timedelta(days=300)
    )
    series = services.series_create(
        actor=p.officer,
        name="调度会",
        cadence="weekly",
        chair=p.leader.person,
        start_time=time(9),
        units=[p.unit_a],
    )
    first = services.meeting_create(
        actor=p.officer, series=series, starts_at=timezone.now() + timedelta(days=1)
    )
    c = client_for(p.officer)
    c.get("/meetings/")
    counted = {}
    made = 0
    for size in (3, 30):
        while made < size:
            t = p.task(plan, title=f"任务{made}")
            Task.objects.filter(pk=t.pk).update(light="red")
            u = make_user(f"extra{made}", unit=p.unit_a, role="head", senior=True)
            Person.objects.filter(user=u).update(card_no=f"C{made}")
            services.meeting_create(
                actor=p.officer, series=series, starts_at=timezone.now() + timedelta(days=2 + made)
            )
            made += 1
        services.agenda_generate(actor=p.officer, meeting=first)
        _roll(first)
        with exact_queries(f"meetings.pages[officer /meetings/]@{size}") as listed:
            assert c.get("/meetings/").status_code == 200
        with exact_queries(f"meetings.pages[officer /meetings/{{meeting}}/]@{size}") as page:
            assert c.get(f"/meetings/{first.pk}/").status_code == 200
        counted[size] = (listed.count, page.count)
    assert counted[30] <= counted[3]


@pytest.mark.parametrize("who", personas(but=["anonymous"]))
def test_series_form(p, who: str) -> None:  # type: ignore[no-untyped-def]
    c = client_for(getattr(p, who))
    r = c.get("/meetings/series/new/")
    if who != "officer":
        assert r.status_code == 403
        return
    assert r.status_code == 200 and "王区长" in r.content.decode()  # leaders can chair
    data = {
        "name": "书记调度会",
        "cadence": "twice_weekly",
        "chair": p.leader.person.pk,
        "units": [p.unit_a.pk],
        "start_time": "08:30",
        "duration_minutes": 60,
        "lead_hours": 24,
        "grace_minutes": 5,
        "senior_only": "on",
    }
    assert c.post("/meetings/series/new/", data).status_code == 302
    from luoshi.meetings.models import MeetingSeries

    s = MeetingSeries.objects.get(name="书记调度会")
    assert (s.cadence, s.lead_hours, list(s.units.all())) == ("twice_weekly", 24, [p.unit_a])
    r = c.post("/meetings/series/new/", data)
    assert r.status_code == 400 and "已有同名的调度会" in r.content.decode()


def test_attendance_by_unit(world: World) -> None:
    p = world.p
    services.checkin_card(
        actor=p.officer, meeting=world.meeting, card_no="0012345678", now=world.start + timedelta(minutes=9)
    )
    services.meeting_end(actor=p.officer, meeting=world.meeting, now=world.meeting.ends_at)
    body = client_for(p.officer).get("/meetings/").content.decode()
    assert "出勤统计" in body
    from luoshi.meetings.selectors import attendance_by_unit

    rows = {r["unit__name"]: (r["roll"], r["late"], r["absent"]) for r in attendance_by_unit(p.officer)}
    assert rows["区发展和改革局"] == (1, 1, 0)
    assert rows["示范区"] == (1, 0, 1)  # the chair, whose post is in the district


def test_showing_the_door_code_is_audited_but_its_polls_are_not(world: World) -> None:
    from luoshi.audit.models import Entry
    from luoshi.meetings.models import CheckInToken

    officer = client_for(world.p.officer)
    at = world.start - timedelta(minutes=1)
    with mock.patch("luoshi.meetings.services.timezone.now", return_value=at):
        r = officer.get(_url(world, "door/"))
        for _poll in range(3):
            assert officer.get(_url(world, "door/"), HTTP_HX_REQUEST="true").status_code == 200
    entries = list(Entry.objects.filter(action="meetings.qr.displayed"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == world.p.officer.pk and entry.object_id == str(world.meeting.pk)
    assert entry.data["token"] == r.context["token"].pk and entry.data["at"] == at.isoformat()
    token = CheckInToken.objects.get(pk=r.context["token"].pk)
    assert token.issued_by_id == world.p.officer.pk and token.created == at
    # a head may not open the screen: refused, no entry, no code
    assert client_for(world.p.head_a).get(_url(world, "door/")).status_code == 403
    assert Entry.objects.filter(action="meetings.qr.displayed").count() == 1
    assert CheckInToken.objects.count() == 1


def test_a_long_agenda_is_paged_with_its_reasons_counted(world: World) -> None:
    """A city-wide agenda runs to thousands of lines: the page shows 100 at a time, numbered on
    from page to page, with the count of lines for each reason above them."""
    from luoshi.meetings.views import AGENDA_PER_PAGE
    from luoshi.work.models import Task

    for i in range(AGENDA_PER_PAGE + 2):
        world.p.task(world.plan, title=f"批量红灯任务{i:03d}")
    Task.objects.filter(title__startswith="批量红灯任务").update(light="red", report_late=False)
    n = services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    assert n == AGENDA_PER_PAGE + 2 + 3  # and the fixture's red, overdue and late tasks of unit A
    officer = client_for(world.p.officer)
    first = officer.get(_url(world)).content.decode()
    assert first.count("<tr data-task=") == AGENDA_PER_PAGE
    assert f"{n}项" in first and "第 1 / 2 页" in first
    reasons = first.split('id="agenda-reasons">', 1)[1].split("</p>", 1)[0]
    assert "严重滞后 103" in reasons and "逾期 1" in reasons and "迟报 1" in reasons
    second = officer.get(_url(world) + "?page=2").content.decode()
    rows = second.split('id="agenda"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr data-task=") == n - AGENDA_PER_PAGE
    assert f'<td class="num">{AGENDA_PER_PAGE + 1}</td>' in rows
    # a short agenda has no pager and no counts
    from luoshi.meetings.models import AgendaItem

    AgendaItem.objects.filter(meeting=world.meeting, title__startswith="批量").delete()
    short = officer.get(_url(world)).content.decode()
    assert 'id="agenda-reasons"' not in short and 'class="pager"' not in short


def test_the_memo_of_a_long_agenda_lists_the_first_lines_and_counts_the_rest(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city-wide agenda's memo would be hundreds of pages: it lists the first lines (50; 2 here)
    and counts the others by reason."""
    from luoshi.meetings import memo

    monkeypatch.setattr(memo, "MEMO_AGENDA_LINES", 2)
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    built = memo.build_memo(world.meeting)
    assert built.agenda_count == 3 and len(built.agenda) == 2
    last = list(world.meeting.agenda.order_by("sort", "pk"))[-1]
    assert built.agenda_rest == [(label, 1) for _code, label in last.reason_labels]
    r = client_for(world.p.leader).get(_url(world, "memo.docx"))
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "听取3项滞后事项" in xml and "以上列出前2项；另有1项（按上会原因：" in xml
    assert last.title not in xml
