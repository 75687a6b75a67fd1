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
from .forms import (
    AssignForm,
    CourseEditForm,
    CourseForm,
    ImportForm,
    MaterialEditForm,
    MaterialForm,
    QuestionEditForm,
    QuestionForm,
)
from .models import Course, Material, Question

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
        # an archived course's posts are a record, listed instead of the assignment form
        "archived_posts": list(c.posts.select_related("unit")) if c.is_archived else [],
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


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改课程: the course's settings and posts. A form loaded before someone else saved is refused
    (409) and shows what is stored now; a refused value is shown beside its field."""
    _officer(request)
    c = get_object_or_404(Course, pk=pk)

    def page(form: CourseEditForm, status: int = 200) -> HttpResponse:
        return render(request, "learning/office_course_edit.html", {"course": c, "form": form}, status=status)

    if request.method != "POST":
        return page(CourseEditForm(initial=CourseEditForm.initial_of(c)))
    form = CourseEditForm(request.POST)
    if not form.is_valid():
        return page(form, 400)
    d = dict(form.cleaned_data)
    seen = d.pop("seen")
    post_ids = [p.pk for p in d.pop("post_ids")]
    done = form_submit(
        form, services.course_update, actor=request.user, course=c, seen=seen, post_ids=post_ids, **d
    )
    if done.saved:
        messages.success(request, _("课程已保存。"))
        return redirect("learning:office_course", pk=c.pk)
    if done.conflict:  # someone saved first: say so loudly and show what is stored now
        messages.error(request, done.conflict)
        c.refresh_from_db()
        return page(CourseEditForm(initial=CourseEditForm.initial_of(c)), 409)
    return page(form, 400)


@login_required
@require_http_methods(["GET", "POST"])
def course_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤下课程: the confirm page says whether the course will be deleted (nobody has sat its exam)
    or archived (kept with its attempts); the post does it."""
    _officer(request)
    c = get_object_or_404(Course, pk=pk)
    if request.method == "POST":
        done = form_submit(
            request, services.course_withdraw, reload_on_conflict=False, actor=request.user, course=c
        )
        if not done.saved:
            return redirect("learning:office_course", pk=c.pk)
        if done.value == "deleted":
            messages.success(request, _("课程《%(t)s》已删除。") % {"t": c.title})
        else:
            messages.success(
                request, _("课程《%(t)s》已归档：学员不再看到它，考试记录保留。") % {"t": c.title}
            )
        return redirect("learning:office")
    return render(
        request,
        "learning/office_course_withdraw.html",
        {
            "course": c,
            "deletes": services.course_can_delete(c),
            "attempts": c.attempts.count(),
            "materials": c.materials.count(),
            "questions": c.questions.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改学习资料: its title (and a link's or video's address); removing it is on the same page."""
    _officer(request)
    m = get_object_or_404(Material.objects.select_related("course"), pk=pk)

    def page(form: MaterialEditForm, status: int = 200) -> HttpResponse:
        return render(
            request, "learning/office_material_edit.html", {"material": m, "form": form}, status=status
        )

    def stored() -> MaterialEditForm:
        return MaterialEditForm(initial={"title": m.title, "url": m.url, "seen": services.material_seen(m)})

    if request.method != "POST":
        return page(stored())
    form = MaterialEditForm(request.POST)
    if not form.is_valid():
        return page(form, 400)
    d = form.cleaned_data
    done = form_submit(
        form,
        services.material_update,
        actor=request.user,
        material=m,
        title=d["title"],
        url=d["url"],
        seen=d["seen"],
    )
    if done.saved:
        messages.success(request, _("资料已保存。"))
        return redirect("learning:office_course", pk=m.course_id)
    if done.conflict:
        messages.error(request, done.conflict)
        m.refresh_from_db()
        return page(stored(), 409)
    return page(form, 400)


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    m = get_object_or_404(Material, pk=pk)
    done = form_submit(request, services.material_remove, actor=request.user, material=m)
    if done.saved:
        messages.success(request, _("资料《%(t)s》已删除。") % {"t": m.title})
    return redirect("learning:office_course", pk=m.course_id)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改试题: corrected in place; attempts that drew it keep the paper they were given."""
    _officer(request)
    q = get_object_or_404(Question.objects.select_related("course"), pk=pk)

    def page(form: QuestionEditForm, status: int = 200) -> HttpResponse:
        return render(
            request, "learning/office_question_edit.html", {"question": q, "form": form}, status=status
        )

    if request.method != "POST":
        return page(QuestionEditForm(initial=QuestionEditForm.initial_of(q)))
    form = QuestionEditForm(request.POST)
    if not form.is_valid():
        return page(form, 400)
    d = form.cleaned_data
    options = [o for o in d["options"].splitlines() if o.strip()]
    try:
        answer = rules.parse_answer(d["kind"], d["answer"], 2 if d["kind"] == rules.JUDGE else len(options))
    except ValueError as e:
        form.add_error("answer", str(e))
        return page(form, 400)
    done = form_submit(
        form,
        services.question_update,
        actor=request.user,
        question=q,
        kind=d["kind"],
        text=d["text"],
        options=options,
        answer=answer,
        seen=d["seen"],
    )
    if done.saved:
        messages.success(request, _("试题已保存。"))
        return redirect("learning:office_course", pk=q.course_id)
    if done.conflict:
        messages.error(request, done.conflict)
        q.refresh_from_db()
        return page(QuestionEditForm(initial=QuestionEditForm.initial_of(q)), 409)
    return page(form, 400)


@login_required
@require_POST
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    q = get_object_or_404(Question, pk=pk)
    done = form_submit(request, services.question_remove, actor=request.user, question=q)
    if done.saved:
        messages.success(request, _("试题已删除。"))
    return redirect("learning:office_course", pk=q.course_id)
