"""The office's study-room pages: courses, assignment to posts, materials, the question bank
(form and table import with preview), completion per unit (ECharts bar) and per person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.errors import NotAllowed
from luoshi.org.access import context_for
from luoshi.web.errors import form_submit

from . import importer, rules, selectors, services
from .forms import AssignForm, CourseForm, ImportForm, MaterialForm, QuestionForm
from .models import Course

IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _officer(request: HttpRequest) -> None:
    if not context_for(request.user).is_officer:
        raise NotAllowed(_("只有督查人员可以管理网络学堂。"))


@login_required
@require_http_methods(["GET", "POST"])
def courses(request: HttpRequest) -> HttpResponse:
    """课程管理: every course with its bank and completion counts; a form to add one."""
    _officer(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["post_ids"] = [p.pk for p in data["post_ids"]]
        done = form_submit(form, services.course_create, actor=request.user, **data)
        if done.saved:
            messages.success(request, _("课程已创建。"))
            return redirect("learning:office_course", pk=done.value.pk)
    return render(
        request,
        "learning/office.html",
        {"courses": selectors.office_courses(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def course(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    return _course_page(request, c)


def _course_page(request: HttpRequest, c: Course, status: int = 200, **extra: object) -> HttpResponse:
    units, people = selectors.completion(c)
    chart = {
        "units": [u.unit for u in units],
        "assigned": [u.assigned for u in units],
        "completed": [u.completed for u in units],
        "labels": {"assigned": _("应学人数"), "completed": _("已完成")},
    }
    context = {
        "course": c,
        "units": units,
        "people": people,
        "chart": chart,
        "materials": list(c.materials.all()),
        "questions": list(c.questions.all()),
        "assign_form": AssignForm(initial={"post_ids": list(c.posts.all())}),
        "material_form": MaterialForm(),
        "question_form": QuestionForm(),
        "import_form": ImportForm(),
    }
    context.update(extra)
    return render(request, "learning/office_course.html", context, status=status)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        done = form_submit(
            form,
            services.course_assign,
            actor=request.user,
            course=c,
            post_ids=[p.pk for p in form.cleaned_data["post_ids"]],
        )
        if done.saved:
            messages.success(request, _("已分配。"))
            return redirect("learning:office_course", pk=c.pk)
    return _course_page(request, c, 400, assign_form=form)


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            form,
            services.material_add,
            actor=request.user,
            course=c,
            kind=d["kind"],
            title=d["title"],
            url=d["url"],
            upload=d["upload"],
        )
        if done.saved:
            messages.success(request, _("资料已添加。"))
            return redirect("learning:office_course", pk=c.pk)
    return _course_page(request, c, 400, material_form=form)


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        options = [o for o in d["options"].splitlines() if o.strip()]
        try:
            answer = rules.parse_answer(
                d["kind"], d["answer"], 2 if d["kind"] == rules.JUDGE else len(options)
            )
        except ValueError as e:
            form.add_error("answer", str(e))
        else:
            done = form_submit(
                form,
                services.question_create,
                actor=request.user,
                course=c,
                kind=d["kind"],
                text=d["text"],
                options=options,
                answer=answer,
            )
            if done.saved:
                messages.success(request, _("试题已添加。"))
                return redirect("learning:office_course", pk=c.pk)
    return _course_page(request, c, 400, question_form=form)


@login_required
@require_POST
def question_import(request: HttpRequest, pk: int) -> HttpResponse:
    """题库导入: the first post previews the table (every problem by row and column) and keeps it in
    the session; "commit" writes all rows in one transaction, or nothing when a row has a problem."""
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    key = f"learning.import.{c.pk}"
    if request.POST.get("commit"):
        stored = request.session.get(key)
        if not stored:
            messages.error(request, _("预览已过期，请重新上传。"))
            return redirect("learning:office_course", pk=c.pk)
        done = form_submit(request, services.questions_import, actor=request.user, course=c, rows=stored)
        if done.saved:
            del request.session[key]
            messages.success(request, _("已导入：新增 %(created)s 题，更新 %(updated)s 题。") % done.value)
        return redirect("learning:office_course", pk=c.pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _course_page(request, c, 400, import_form=form)
    f = form.cleaned_data["table"]
    if f.size > IMPORT_MAX_BYTES:
        form.add_error("table", _("文件过大。"))
        return _course_page(request, c, 400, import_form=form)
    parsed = importer.parse(f.name or "", f.read())
    if parsed.problems:
        request.session.pop(key, None)
    else:
        request.session[key] = parsed.rows
    return render(
        request,
        "learning/import_preview.html",
        {"course": c, "parsed": parsed},
        status=400 if parsed.problems else 200,
    )
