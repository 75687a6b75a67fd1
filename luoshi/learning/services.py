"""The study room's use cases: one transaction each, checked duty, one audit entry."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, NotAllowed, NotFound
from luoshi.lib import uploads
from luoshi.lib.stamp import fingerprint
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Membership, Post

from . import rules
from .models import Attempt, Course, Material, MaterialKind, Question, QuestionKind

MATERIAL_MAX_BYTES = 50 * 1024 * 1024


def _check_course_numbers(*, pass_mark: int, time_limit: int, draws: dict[str, int]) -> None:
    if not 0 <= pass_mark <= 100:
        raise InvalidField(_("及格分应在 0 到 100 之间。"), field="pass_mark")
    if time_limit < 1:
        raise InvalidField(_("限时至少 1 分钟。"), field="time_limit")
    if sum(draws.values()) < 1:
        raise InvalidField(_("每次考试至少抽一道题。"), field="draw_single")


@transaction.atomic
def course_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    deadline: date | None = None,
    pass_mark: int = 60,
    attempts_allowed: int = 3,
    time_limit: int = 30,
    draw_single: int = 5,
    draw_multiple: int = 3,
    draw_judge: int = 2,
    post_ids: list[int] | None = None,
) -> Course:
    """A new course, assigned to the given posts (their holders get it). It belongs to the
    officer's unit (the office's; the first when they hold several posts), which gives its region."""
    ctx = require_officer(actor, _("只有督查人员可以设置课程。"))
    title = (title or "").strip()
    if not title:
        raise InvalidField(_("请填写课程名称。"), field="title")
    draws = {"single": draw_single, "multiple": draw_multiple, "judge": draw_judge}
    _check_course_numbers(pass_mark=pass_mark, time_limit=time_limit, draws=draws)
    course = Course.objects.create(
        title=title[:200],
        description=description,
        deadline=deadline,
        pass_mark=pass_mark,
        attempts_allowed=attempts_allowed,
        time_limit=time_limit,
        draw_single=draw_single,
        draw_multiple=draw_multiple,
        draw_judge=draw_judge,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        unit_id=min(ctx.post_unit_ids, default=None),
    )
    ids = sorted(set(post_ids or []))
    if ids:
        found = list(Post.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if len(found) != len(ids):
            raise InvalidField(_("有岗位不存在。"), field="post_ids")
        course.posts.set(found, through_defaults={"region_id": course.region_id})
    record(course, "learning.course.created", actor=actor, after={"title": course.title, "posts": ids})
    return course


@transaction.atomic
def course_assign(*, actor: Any, course: Course, post_ids: list[int]) -> Course:
    """Replace the posts a course is assigned to."""
    require_officer(actor, _("只有督查人员可以分配课程。"))
    _refuse_archived(course.pk)
    ids = sorted(set(post_ids))
    found = list(Post.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise InvalidField(_("有岗位不存在。"), field="post_ids")
    before = sorted(course.posts.values_list("pk", flat=True))
    course.posts.set(found, through_defaults={"region_id": course.region_id})
    # The posts are part of what the edit form shows: an edit loaded before this is stale.
    Course.objects.filter(pk=course.pk).update(version=F("version") + 1)
    course.refresh_from_db(fields=["version"])
    record(course, "learning.course.assigned", actor=actor, before={"posts": before}, after={"posts": ids})
    return course


def _refuse_archived(course_id: int) -> None:
    """An archived course is a record: its settings, posts (who counted for assessment), materials
    and bank stay as they were when it was withdrawn."""
    if Course.objects.filter(pk=course_id, archived_at__isnull=False).exists():
        raise Conflict(_("课程已归档，不能再修改。"))


COURSE_FIELDS = (
    "title",
    "description",
    "deadline",
    "pass_mark",
    "attempts_allowed",
    "time_limit",
    "draw_single",
    "draw_multiple",
    "draw_judge",
)


def _locked_course(course: Course) -> Course:
    """The course's stored row, locked until the transaction ends (attempt_start locks it too)."""
    current = Course.objects.select_for_update().filter(pk=course.pk).first()
    if current is None:
        raise NotFound(_("没有这门课程。"))
    return current


@transaction.atomic
def course_update(
    *, actor: Any, course: Course, seen: int, post_ids: list[int] | None = None, **changes: Any
) -> Course:
    """Change a course's settings (the fields of `COURSE_FIELDS`, and its posts when `post_ids` is
    given). `seen` is the version the editor loaded: a course saved meanwhile by someone else is a
    `Conflict`, never overwritten. Attempts already taken keep their paper, deadline and pass mark
    (stored on the attempt), so a new pass mark or draw count applies to new attempts only."""
    require_officer(actor, _("只有督查人员可以修改课程。"))
    unknown = set(changes) - set(COURSE_FIELDS)
    if unknown:
        raise InvalidField(
            _("不能修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    current = _locked_course(course)
    if current.version != seen:
        raise Conflict(
            _("课程已被他人修改（版本 %(a)s → %(b)s），下面是现在保存的内容，请核对后再改。")
            % {"a": seen, "b": current.version}
        )
    if current.is_archived:
        raise Conflict(_("课程已归档，不能再修改。"))
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()[:200]
        if not changes["title"]:
            raise InvalidField(_("请填写课程名称。"), field="title")
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    merged = {k: changes.get(k, getattr(current, k)) for k in COURSE_FIELDS}
    _check_course_numbers(
        pass_mark=merged["pass_mark"],
        time_limit=merged["time_limit"],
        draws={
            "single": merged["draw_single"],
            "multiple": merged["draw_multiple"],
            "judge": merged["draw_judge"],
        },
    )
    if merged["attempts_allowed"] < 0:
        raise InvalidField(_("考试次数不能为负数。"), field="attempts_allowed")
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    before: dict[str, Any] = {k: getattr(current, k) for k in changed}
    after: dict[str, Any] = dict(changed)
    if post_ids is not None:
        ids = sorted(set(post_ids))
        found = list(Post.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if len(found) != len(ids):
            raise InvalidField(_("有岗位不存在。"), field="post_ids")
        had = sorted(current.posts.values_list("pk", flat=True))
        if had != ids:
            current.posts.set(found, through_defaults={"region_id": current.region_id})
            before["posts"], after["posts"] = had, ids
    for k, v in changed.items():
        setattr(current, k, v)
    current.version = seen + 1
    current.save(update_fields=[*changed, "version"])
    record(
        current,
        "learning.course.updated",
        actor=actor,
        before=before,
        after=after,
        data={"version": current.version},
    )
    return current


@transaction.atomic
def course_withdraw(*, actor: Any, course: Course) -> str:
    """Withdraw a course: deleted outright ("deleted") while nobody has sat its exam, else archived
    ("archived": hidden from learners' lists and closed to new attempts, kept with its attempts for
    the records and assessment). The course row is locked, so an exam starting meanwhile either
    comes first (and the course is archived) or finds the course gone."""
    require_officer(actor, _("只有督查人员可以撤下课程。"))
    current = _locked_course(course)
    if current.is_archived:
        raise Conflict(_("课程已归档。"))
    attempts = Attempt.objects.filter(course=current).count()
    if attempts:
        current.archived_at = timezone.now()
        current.version += 1
        current.save(update_fields=["archived_at", "version"])
        record(current, "learning.course.archived", actor=actor, data={"attempts": attempts})
        return "archived"
    files = [m.file.name for m in current.materials.exclude(file="")]
    record(
        current,
        "learning.course.deleted",
        actor=actor,
        before={
            "title": current.title,
            "posts": sorted(current.posts.values_list("pk", flat=True)),
            "materials": current.materials.count(),
            "questions": current.questions.count(),
        },
    )
    current.delete()
    _delete_files_on_commit(files)
    return "deleted"


def course_can_delete(course: Course) -> bool:
    """Whether withdrawing the course now would delete it (nobody has sat its exam) or archive it."""
    return not Attempt.objects.filter(course=course).exists()


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


@transaction.atomic
def material_add(
    *, actor: Any, course: Course, kind: str, title: str, url: str = "", upload: Any = None
) -> Material:
    """A material for a course: a document (checked like every upload: size, kind by content), or a
    link / video by URL."""
    require_officer(actor, _("只有督查人员可以上传学习资料。"))
    _refuse_archived(course.pk)
    title = (title or "").strip()
    if not title:
        raise InvalidField(_("请填写资料标题。"), field="title")
    if kind == MaterialKind.DOCUMENT:
        if upload is None:
            raise InvalidField(_("请选择要上传的文件。"), field="upload")
        try:
            [material] = uploads.store_checked(
                [upload],
                max_bytes=MATERIAL_MAX_BYTES,
                make=lambda **kw: Material(course=course, kind=kind, title=title[:200], **kw),
            )
        except uploads.UploadRefused as e:
            raise InvalidField(str(e), field="upload") from e
    elif kind in (MaterialKind.LINK, MaterialKind.VIDEO):
        url = (url or "").strip()
        if not url.startswith(("https://", "http://")):
            raise InvalidField(_("请填写以 http:// 或 https:// 开头的网址。"), field="url")
        material = Material.objects.create(course=course, kind=kind, title=title[:200], url=url[:500])
    else:
        raise InvalidField(_("资料类型无效。"), field="kind")
    assert isinstance(material, Material)
    record(material, "learning.material.added", actor=actor, after={"course": course.pk, "kind": kind})
    return material


MATERIAL_FIELDS = ("title", "url")


@transaction.atomic
def material_update(
    *, actor: Any, material: Material, title: str, url: str | None = None, seen: str | None = None
) -> Material:
    """Rename a material, or change a link's or a video's address (a document's file is replaced by
    removing it and adding a new one). `seen` is the fingerprint the editor loaded (`material_seen`)."""
    require_officer(actor, _("只有督查人员可以维护学习资料。"))
    current = Material.objects.select_for_update().filter(pk=material.pk).first()
    if current is None:
        raise NotFound(_("没有这份资料。"))
    _refuse_archived(current.course_id)
    if seen is not None and seen != material_seen(current):
        raise Conflict(_("资料已被他人修改，下面是现在保存的内容，请核对后再改。"))
    title = (title or "").strip()
    if not title:
        raise InvalidField(_("请填写资料标题。"), field="title")
    changes: dict[str, Any] = {"title": title[:200]}
    if current.kind != MaterialKind.DOCUMENT and url is not None:
        url = url.strip()
        if not url.startswith(("https://", "http://")):
            raise InvalidField(_("请填写以 http:// 或 https:// 开头的网址。"), field="url")
        changes["url"] = url[:500]
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    before = {k: getattr(current, k) for k in changed}
    for k, v in changed.items():
        setattr(current, k, v)
    if changed:
        current.save(update_fields=list(changed))
    record(
        current,
        "learning.material.updated",
        actor=actor,
        before=before,
        after=changed,
        data={"course": current.course_id},
    )
    return current


def material_seen(material: Material) -> str:
    """The fingerprint of a material's editable fields, for its edit form."""
    return fingerprint(material, MATERIAL_FIELDS)


@transaction.atomic
def material_remove(*, actor: Any, material: Material) -> None:
    """Remove a material (and its stored file, once the removal commits); the audit entry keeps what
    it was. Downloads recorded in the audit trail keep naming it."""
    require_officer(actor, _("只有督查人员可以维护学习资料。"))
    current = Material.objects.select_for_update().filter(pk=material.pk).first()
    if current is None:
        raise NotFound(_("没有这份资料。"))
    _refuse_archived(current.course_id)
    record(
        current,
        "learning.material.removed",
        actor=actor,
        before={
            "title": current.title,
            "kind": current.kind,
            "url": current.url,
            "name": current.name,
            "sha256": current.sha256,
        },
        data={"course": current.course_id},
    )
    files = [current.file.name] if current.file else []
    current.delete()
    _delete_files_on_commit(files)


def _validate_question(
    kind: str, text: str, options: list[str], answer: list[int]
) -> tuple[list[str], list[int]]:
    if kind not in QuestionKind.values:
        raise InvalidField(_("题型无效。"), field="kind")
    if not (text or "").strip():
        raise InvalidField(_("请填写题干。"), field="text")
    if kind == QuestionKind.JUDGE:
        options = [_("正确"), _("错误")]
    options = [o.strip() for o in options if o and o.strip()]
    if len(options) < 2:
        raise InvalidField(_("至少需要两个选项。"), field="options")
    answer = sorted(set(answer))
    if not answer or answer[0] < 0 or answer[-1] >= len(options):
        raise InvalidField(_("答案超出选项范围。"), field="answer")
    if kind in (QuestionKind.SINGLE, QuestionKind.JUDGE) and len(answer) != 1:
        raise InvalidField(_("单选题和判断题只能有一个答案。"), field="answer")
    if kind == QuestionKind.MULTIPLE and len(answer) < 2:
        raise InvalidField(_("多选题至少两个答案。"), field="answer")
    return options, answer


@transaction.atomic
def question_create(
    *, actor: Any, course: Course, kind: str, text: str, options: list[str], answer: list[int]
) -> Question:
    """One question entered by form."""
    require_officer(actor, _("只有督查人员可以维护题库。"))
    _refuse_archived(course.pk)
    options, answer = _validate_question(kind, text, options, answer)
    q = Question.objects.create(course=course, kind=kind, text=text.strip(), options=options, answer=answer)
    record(q, "learning.question.created", actor=actor, after={"course": course.pk, "kind": kind})
    return q


QUESTION_FIELDS = ("kind", "text", "options", "answer")


def question_seen(question: Question) -> str:
    """The fingerprint of a question's editable fields, for its edit form."""
    return fingerprint(question, QUESTION_FIELDS)


def _locked_question(question: Question, seen: str | None) -> Question:
    current = Question.objects.select_for_update().filter(pk=question.pk).first()
    if current is None:
        raise NotFound(_("没有这道试题。"))
    _refuse_archived(current.course_id)
    if seen is not None and seen != question_seen(current):
        raise Conflict(_("试题已被他人修改，下面是现在保存的内容，请核对后再改。"))
    return current


@transaction.atomic
def question_update(
    *,
    actor: Any,
    question: Question,
    kind: str,
    text: str,
    options: list[str],
    answer: list[int],
    seen: str | None = None,
) -> Question:
    """Correct a bank question in place. Attempts that drew it keep the paper they were given
    (`Attempt.paper`), so what they asked and how they were marked does not change; new attempts
    draw the corrected question."""
    require_officer(actor, _("只有督查人员可以维护题库。"))
    current = _locked_question(question, seen)
    options, answer = _validate_question(kind, text, options, answer)
    after = {"kind": kind, "text": text.strip(), "options": options, "answer": answer}
    changed = {k: v for k, v in after.items() if getattr(current, k) != v}
    before = {k: getattr(current, k) for k in changed}
    for k, v in changed.items():
        setattr(current, k, v)
    if changed:
        current.save(update_fields=list(changed))
    record(
        current,
        "learning.question.updated",
        actor=actor,
        before=before,
        after=changed,
        data={"course": current.course_id},
    )
    return current


@transaction.atomic
def question_remove(*, actor: Any, question: Question, seen: str | None = None) -> None:
    """Remove a question from the bank: new attempts no longer draw it; attempts that drew it keep
    it on their paper. The audit entry keeps what it was."""
    require_officer(actor, _("只有督查人员可以维护题库。"))
    current = _locked_question(question, seen)
    record(
        current,
        "learning.question.removed",
        actor=actor,
        before={k: getattr(current, k) for k in (*QUESTION_FIELDS, "code")},
        data={"course": current.course_id},
    )
    current.delete()


@transaction.atomic
def questions_import(*, actor: Any, course: Course, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Commit a previewed question table (`importer.parse`): all rows or none. A row with a 题号 that
    the course already holds updates that question, so importing an edited table again is safe."""
    require_officer(actor, _("只有督查人员可以导入题库。"))
    _refuse_archived(course.pk)
    created = updated = 0
    existing = {q.code: q for q in course.questions.exclude(code="")}
    for row in rows:
        options, answer = _validate_question(row["kind"], row["text"], row["options"], row["answer"])
        q = existing.get(row.get("code") or "")
        if q is None:
            Question.objects.create(
                course=course,
                kind=row["kind"],
                text=row["text"],
                options=options,
                answer=answer,
                code=row.get("code") or "",
            )
            created += 1
        else:
            q.kind, q.text, q.options, q.answer = row["kind"], row["text"], options, answer
            q.save()
            updated += 1
    summary = {"created": created, "updated": updated}
    record(course, "learning.questions.imported", actor=actor, data=summary)
    return summary


def _person_unit(person_id: int, course: Course) -> int | None:
    """The unit of the person's current post the course is assigned to (the unit they count for)."""
    return (
        Membership.objects.current()
        .filter(person_id=person_id, post__in=course.posts.all())
        .order_by("post__unit__path")
        .values_list("post__unit_id", flat=True)
        .first()
    )


@transaction.atomic
def attempt_start(
    *, actor: Any, course: Course, now: Any = None, rng: random.Random | None = None
) -> Attempt:
    """Start (or resume) the actor's exam: a second start while one is open returns the open one."""
    ctx = context_for(actor)
    if ctx.person_id is None:
        raise NotAllowed(_("只有在岗人员可以参加考试。"))
    if not Course.objects.visible_to(actor).filter(pk=course.pk).exists():
        raise NotFound(_("没有这门课程。"))
    # Lock the course row so two starts at once cannot both create an attempt, and read its rules
    # as they stand now (an edit committed meanwhile applies to this attempt).
    course = _locked_course(course)
    open_ = Attempt.objects.filter(course=course, person_id=ctx.person_id, submitted_at__isnull=True).first()
    if open_ is not None and rules.counts(now or timezone.now(), open_.deadline_at):
        return open_
    if open_ is not None:
        _expire(open_, now or timezone.now())
    if course.is_archived:
        raise Conflict(_("这门课程已归档，不能再参加考试。"))
    used = Attempt.objects.filter(course=course, person_id=ctx.person_id).count()
    if rules.attempts_left(course.attempts_allowed, used) == 0:
        raise Conflict(_("考试次数已用完。"))
    available: dict[str, list[int]] = {k: [] for k in rules.KINDS}
    for pk, kind in course.questions.values_list("pk", "kind"):
        available[kind].append(pk)
    sizes = rules.draw_sizes(course.wanted(), {k: len(v) for k, v in available.items()})
    if sum(sizes.values()) == 0:
        raise Conflict(_("这门课程的题库还没有试题。"))
    rng = rng or random.SystemRandom()
    drawn: list[int] = []
    for kind in rules.KINDS:
        drawn += rng.sample(available[kind], sizes[kind])
    bank = Question.objects.in_bulk(drawn)  # the paper: only the drawn questions' text
    drawn = [i for i in drawn if i in bank]  # a question removed meanwhile is not on the paper
    started = now or timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                course=course,
                person_id=ctx.person_id,
                unit_id=_person_unit(ctx.person_id, course),
                number=used + 1,
                started_at=started,
                deadline_at=rules.deadline(started, course.time_limit),
                question_ids=drawn,
                paper=[
                    {
                        "id": i,
                        "kind": bank[i].kind,
                        "text": bank[i].text,
                        "options": bank[i].options,
                        "answer": bank[i].answer,
                    }
                    for i in drawn
                ],
                pass_mark=course.pass_mark,
            )
    except IntegrityError as e:
        raise Conflict(_("考试已开始，请刷新页面。")) from e
    record(
        attempt, "learning.attempt.started", actor=actor, data={"course": course.pk, "number": attempt.number}
    )
    return attempt


@transaction.atomic
def attempt_submit(
    *, actor: Any, attempt: Attempt, answers: dict[str, list[int]], now: Any = None
) -> Attempt:
    """Hand in an attempt. Answers that arrive after the deadline are not counted (score 0)."""
    ctx = context_for(actor)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.person_id != ctx.person_id:
        raise NotAllowed(_("只能提交自己的考试。"))
    if attempt.submitted_at is not None:
        raise Conflict(_("这次考试已经交卷。"))
    at = now or timezone.now()
    ids = [int(i) for i in attempt.question_ids]
    clean = {str(i): sorted({int(x) for x in answers.get(str(i), [])}) for i in ids}
    late = not rules.counts(at, attempt.deadline_at)
    # Marked against the paper the person was given, under the pass mark of when they started.
    paper = {int(q["id"]): q for q in attempt.paper}
    graded = [(paper[i]["kind"], paper[i]["answer"], clean[str(i)]) for i in ids if i in paper]
    pass_mark = attempt.course.pass_mark if attempt.pass_mark is None else attempt.pass_mark
    attempt.score = 0 if late else rules.score(graded)
    attempt.passed = rules.passed(attempt.score, pass_mark) and not late
    attempt.late = late
    attempt.answers = {} if late else clean
    attempt.submitted_at = at
    attempt.save()
    record(
        attempt,
        "learning.attempt.submitted",
        actor=actor,
        data={"score": attempt.score, "passed": attempt.passed, "late": late},
    )
    return attempt


def close_expired(now: Any = None) -> int:
    """Close attempts whose deadline (and grace) passed without a submission, scored 0."""
    at = now or timezone.now()
    n = 0
    for attempt in Attempt.objects.filter(submitted_at__isnull=True, deadline_at__lt=at - rules.GRACE):
        with transaction.atomic():
            _expire(attempt, at)
            n += 1
    return n


def _expire(attempt: Attempt, at: Any) -> None:
    attempt.submitted_at, attempt.score, attempt.passed, attempt.late = at, 0, False, True
    attempt.save(update_fields=["submitted_at", "score", "passed", "late"])
    record(attempt, "learning.attempt.expired", data={"course": attempt.course_id})


def expire_step(day: date) -> dict[str, int]:
    """The daily step: close exams left open past their deadline (idempotent)."""
    return {"expired": close_expired()}
