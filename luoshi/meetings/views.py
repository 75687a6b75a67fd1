"""Pages of dispatch meetings: the series and meetings list, the meeting page (agenda, attendance
board with the card-reader box, minutes, decisions), the door's QR code, the phone's QR check-in,
the decisions memo (.docx, PDF) and each person's calendar feed."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Person
from luoshi.web.errors import attempt, form_submit
from luoshi.web.htmx import announce, is_htmx

from . import ical, memo, selectors, services
from .forms import CardForm, DecisionForm, MinutesForm, SeriesForm
from .models import CalendarFeed, CheckInToken, Decision, Meeting, MeetingSeries, MeetingState


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("series", "series__chair"), pk=pk
    )


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Series and their meetings, newest first."""
    page = Paginator(selectors.meeting_list(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "series": list(selectors.series_list(request.user)),
            "page": page,
            "is_officer": context_for(request.user).is_officer,
            "by_unit": selectors.attendance_by_unit(request.user),
        },
    )


@login_required
def series_new(request: HttpRequest) -> HttpResponse:
    """The office sets up a dispatch meeting series (调度会)."""
    require_officer(request.user)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(form, services.series_create, actor=request.user, **form.cleaned_data)
        if done.saved:
            messages.success(request, _("调度会已设立。"))
            return redirect("meetings:list")
    return render(request, "meetings/series_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def series_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule the series' next meeting by its cadence."""
    series = get_object_or_404(MeetingSeries.objects.visible_to(request.user), pk=pk)
    done = form_submit(
        request,
        services.meetings_schedule,
        actor=request.user,
        series=series,
        after=timezone.localdate(),
        count=1,
    )
    if done.saved:
        messages.success(request, _("已安排下次会议。"))
        return redirect("meetings:meeting", done.value[0].pk)
    return redirect("meetings:list")


# Agenda lines shown per page: a city-wide meeting's agenda runs to thousands of lines (19,296 in
# the province bench), which no one reads on one page; the reasons' counts sum them up above.
AGENDA_PER_PAGE = 100


def _context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    officer = context_for(request.user).is_officer
    agenda = Paginator(meeting.agenda.select_related("lead_unit").order_by("sort", "pk"), AGENDA_PER_PAGE)
    return {
        "meeting": meeting,
        "agenda": agenda.get_page(request.GET.get("page")),
        "agenda_reasons": selectors.agenda_reasons(meeting) if agenda.count > AGENDA_PER_PAGE else [],
        "board": selectors.board(meeting),
        "decisions": list(
            meeting.decisions.select_related("owner_unit", "plan", "task").order_by("sort", "pk")
        ),
        "is_officer": officer,
        "card_form": CardForm(),
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version}),
        "decision_form": DecisionForm(plans=meeting.series.plans.filter(is_active=True)) if officer else None,
        "open": meeting.state in (MeetingState.PLANNED, MeetingState.FROZEN),
        **extra,
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "meetings/meeting_detail.html", _context(request, meeting))


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The meeting's buttons: generate or send the agenda, end, close, make tasks of decisions."""
    meeting = _meeting(request, pk)
    actions: dict[str, tuple[Any, str]] = {
        "generate": (services.agenda_generate, _("议程已生成：%(n)s项。")),
        "send": (services.agenda_send, _("议程已冻结并发出。")),
        "end": (services.meeting_end, _("会议已结束，未签到人员记为缺席。")),
        "close": (services.meeting_close, _("会议已办结。")),
        "tasks": (services.decisions_to_tasks, _("议定事项已转为任务：%(n)s项。")),
    }
    if action not in actions:
        raise Http404
    service, text = actions[action]
    done = form_submit(request, service, actor=request.user, meeting=meeting)
    if done.saved:
        n = (
            done.value
            if isinstance(done.value, int)
            else len(done.value)
            if isinstance(done.value, list)
            else 0
        )
        messages.success(request, text % {"n": n} if "%(n)s" in text else text)
    return redirect("meetings:meeting", meeting.pk)


@login_required
@require_POST
def checkin_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card reader's box: the reader types the number and Enter; the box answers and clears."""
    meeting = _meeting(request, pk)
    form = CardForm(request.POST)
    error, done = "", None
    if form.is_valid():
        outcome = attempt(
            services.checkin_card, actor=request.user, meeting=meeting, card_no=form.cleaned_data["card_no"]
        )
        error, done = outcome.error, outcome.value
    else:
        error = _("请刷卡或输入卡号。")
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        elif done is not None:
            messages.success(request, _("%(name)s 已签到。") % {"name": done.person.name})
        return redirect("meetings:meeting", meeting.pk)
    box = render(
        request,
        "meetings/_checkin.html",
        {
            "meeting": meeting,
            "card_form": CardForm(),
            "error": error,
            "done": done,
            "board": selectors.board(meeting),
            "is_officer": True,
            "open": True,
            "oob": True,
        },
    )
    # Focus stays in the card box, ready for the next card; the live region says who signed in.
    said = error
    if done is not None and not error:
        said = _("%(name)s：%(state)s") % {"name": done.person.name, "state": done.get_state_display()}
    return announce(box, said, focus="#card-no")


@login_required
@require_POST
def checkin_person(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    """The secretary checks a person in (代签) or records their leave (请假)."""
    meeting = _meeting(request, pk)
    who = get_object_or_404(Person, pk=person)
    if request.POST.get("excuse"):
        done = form_submit(
            request, services.attendance_excuse, actor=request.user, meeting=meeting, person=who
        )
    else:
        done = form_submit(
            request, services.checkin_secretary, actor=request.user, meeting=meeting, person=who
        )
    if done.saved:
        messages.success(request, _("已记录：%(name)s。") % {"name": who.name})
    return redirect("meetings:meeting", meeting.pk)


@login_required
@require_POST
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        done = form_submit(
            form,
            services.minutes_save,
            actor=request.user,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"],
            version=form.cleaned_data["version"],
        )
        if done.saved:
            messages.success(request, _("会议记录已保存。"))
            return redirect("meetings:meeting", meeting.pk)
        if done.conflict:
            messages.error(request, done.conflict)
            return redirect("meetings:meeting", meeting.pk)
    meeting.refresh_from_db()
    return render(
        request, "meetings/meeting_detail.html", _context(request, meeting, minutes_form=form), status=400
    )


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = DecisionForm(request.POST, plans=meeting.series.plans.filter(is_active=True))
    if form.is_valid():
        done = form_submit(
            form, services.decision_add, actor=request.user, meeting=meeting, **form.cleaned_data
        )
        if done.saved:
            messages.success(request, _("议定事项已添加。"))
            return redirect("meetings:meeting", meeting.pk)
    return render(
        request, "meetings/meeting_detail.html", _context(request, meeting, decision_form=form), status=400
    )


@login_required
@require_POST
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    form_submit(request, services.decision_delete, actor=request.user, decision=decision)
    return redirect("meetings:meeting", decision.meeting_id)


@login_required
@require_GET
def memo_file(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """The decisions memo (会议纪要) as Word or PDF."""
    if ext not in ("docx", "pdf"):
        raise Http404
    meeting = _meeting(request, pk)
    m = memo.build_memo(meeting)
    name = f"meeting-{meeting.pk}-memo.{ext}"
    record_read(request, "audit.data.exported", meeting, what="meetings.memo", fmt=ext)
    if ext == "pdf":
        response = HttpResponse(memo.render_memo_pdf(m), content_type="application/pdf")
    else:
        response = HttpResponse(
            memo.render_memo_docx(m),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _qr_svg(url: str) -> str:
    svg: str = segno.make(url, error="m").svg_inline(scale=6, border=2)
    return svg


@login_required
@require_GET
def door(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code for the door screen: a fresh single-use code, polled every few seconds."""
    meeting = _meeting(request, pk)
    # the screen's first showing is audited (who displayed the code, when); its polls are not
    show = services.token_current if is_htmx(request) else services.door_open
    outcome = attempt(show, actor=request.user, meeting=meeting)
    token: CheckInToken | None = outcome.value
    url = request.build_absolute_uri(reverse("meetings:qr", args=[token.token])) if token else ""
    context = {
        "meeting": meeting,
        "token": token,
        "url": url,
        "svg": _qr_svg(url) if url else "",
        "error": outcome.error,
        "board": selectors.board(meeting),
    }
    template = "meetings/_door.html" if is_htmx(request) else "meetings/door.html"
    return render(request, template, context)


@login_required
def qr_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """A phone that scanned the door's code: confirm, then check in as the signed-in user."""
    row = CheckInToken.objects.select_related("meeting__series").filter(token=token).first()
    if request.method == "POST":
        outcome = attempt(services.checkin_token, actor=request.user, token=token)
        return render(
            request,
            "meetings/qr_done.html",
            {"outcome": outcome, "meeting": row.meeting if row else None},
            status=200 if not outcome.error else 400,
        )
    return render(request, "meetings/qr_confirm.html", {"row": row, "token": token})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The user's secret calendar address, and a button to change it."""
    if request.method == "POST":
        form_submit(request, services.calendar_feed_reset, actor=request.user)
        messages.success(request, _("已生成新的订阅地址，旧地址已失效。"))
        return redirect("meetings:calendar")
    feed = CalendarFeed.objects.filter(user_id=request.user.pk or 0).first()
    url = request.build_absolute_uri(reverse("meetings:ical", args=[feed.token])) if feed else ""
    return render(request, "meetings/calendar.html", {"feed": feed, "url": url})


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar feed itself (RFC 5545), for phone calendars: the secret address is the key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    body = ical.render(
        ical.feed_events(feed.user, host=request.get_host().split(":")[0]),
        name=_("落实 · %(name)s") % {"name": feed.user.get_full_name() or feed.user.get_username()},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="luoshi.ics"'
    return response
