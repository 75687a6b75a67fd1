"""The study room for a person: my courses, a course's materials, the exam page, my record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.audit.services import record_read
from luoshi.lib.uploads import download_type
from luoshi.org.access import context_for
from luoshi.web.errors import form_submit

from . import rules, selectors, services
from .models import Attempt, Course, Material


@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    """我的课程: the courses assigned to the user's posts, with progress."""
    return render(request, "learning/mine.html", {"courses": selectors.my_courses(request.user)})


@login_required
@require_GET
def my_record(request: HttpRequest) -> HttpResponse:
    """我的成绩: every handed-in exam with its score."""
    return render(request, "learning/record.html", {"attempts": selectors.my_record(request.user)})


@login_required
@require_GET
def course(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Course.objects.visible_to(request.user), pk=pk)
    ctx = context_for(request.user)
    attempts = list(Attempt.objects.filter(course=c, person_id=ctx.person_id)) if ctx.person_id else []
    used = len(attempts)
    return render(
        request,
        "learning/course.html",
        {
            "course": c,
            "materials": list(c.materials.all()),
            "attempts": attempts,
            "open": next((a for a in attempts if a.is_open), None),
            "left": rules.attempts_left(c.attempts_allowed, used),
            "passed": any(a.passed for a in attempts),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Course.objects.visible_to(request.user), pk=pk)
    done = form_submit(
        request, services.attempt_start, reload_on_conflict=False, actor=request.user, course=c
    )
    if not done.saved:
        return redirect("learning:course", pk=c.pk)
    return redirect("learning:exam", pk=done.value.pk)


@login_required
@require_http_methods(["GET", "POST"])
def exam(request: HttpRequest, pk: int) -> HttpResponse:
    """The exam page (phone-friendly): the drawn questions, a countdown, submit."""
    ctx = context_for(request.user)
    attempt = get_object_or_404(Attempt.objects.select_related("course"), pk=pk, person_id=ctx.person_id)
    if request.method == "POST":
        questions = selectors.attempt_questions(attempt)
        answers = {
            str(q.pk): [int(v) for v in request.POST.getlist(f"q{q.pk}") if v.isdigit()] for q in questions
        }
        done = form_submit(
            request,
            services.attempt_submit,
            reload_on_conflict=False,
            actor=request.user,
            attempt=attempt,
            answers=answers,
        )
        if done.saved:
            a = done.value
            if a.late:
                messages.warning(request, _("已超过考试时限，本次作答不计分。"))
            else:
                messages.success(request, _("已交卷，得分 %(s)s。") % {"s": a.score})
        return redirect("learning:record")
    if not attempt.is_open:
        return redirect("learning:record")
    questions = selectors.attempt_questions(attempt)
    left = rules.seconds_left(timezone.now(), attempt.deadline_at)
    return render(
        request,
        "learning/exam.html",
        {"attempt": attempt, "questions": questions, "seconds_left": left, "clock": rules.clock(left)},
    )


@login_required
@require_GET
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    m = get_object_or_404(
        Material.objects.filter(course__in=Course.objects.visible_to(request.user), kind="document"), pk=pk
    )
    try:
        fh = m.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type, inline = download_type(m.content_type)
    record_read(request, "learning.material.downloaded", m, name=m.name)
    resp = FileResponse(fh, as_attachment=not inline, filename=m.name, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
