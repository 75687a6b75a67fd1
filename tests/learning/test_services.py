from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, NotAllowed, NotFound
from luoshi.learning import services
from luoshi.learning.models import Attempt, Course, Material, Question
from tests.learning.helpers import course_for, post_of, right_answers

pytestmark = pytest.mark.django_db


def test_course_create_needs_officer_and_audits(p):
    with pytest.raises(NotAllowed):
        services.course_create(actor=p.head_a, title="x")
    with pytest.raises(InvalidField):
        services.course_create(actor=p.officer, title=" ")
    with pytest.raises(InvalidField):
        services.course_create(actor=p.officer, title="x", pass_mark=101)
    with pytest.raises(InvalidField):
        services.course_create(actor=p.officer, title="x", draw_single=0, draw_multiple=0, draw_judge=0)
    with pytest.raises(InvalidField):
        services.course_create(actor=p.officer, title="x", post_ids=[987654])
    assert not Course.objects.exists()
    c = services.course_create(actor=p.officer, title="x", post_ids=[post_of(p.reporter_a).pk])
    assert Entry.objects.filter(action="learning.course.created", object_id=str(c.pk)).exists()


def test_assigned_by_post(p):
    c = course_for(p, p.reporter_a)
    assert list(Course.objects.visible_to(p.reporter_a)) == [c]
    assert not Course.objects.visible_to(p.reporter_b).exists()
    assert Course.objects.visible_to(p.officer).exists()
    services.course_assign(actor=p.officer, course=c, post_ids=[post_of(p.reporter_b).pk])
    assert Course.objects.visible_to(p.reporter_b).exists()
    assert not Course.objects.visible_to(p.reporter_a).exists()


def test_question_validation(p):
    c = course_for(p, p.reporter_a, n_single=0, n_multiple=0, n_judge=0)
    bad = [
        ("single", "q", ["a", "b"], [0, 1]),
        ("multiple", "q", ["a", "b"], [0]),
        ("single", "q", ["a"], [0]),
        ("single", "", ["a", "b"], [0]),
        ("single", "q", ["a", "b"], [2]),
        ("essay", "q", ["a", "b"], [0]),
    ]
    for kind, text, options, answer in bad:
        with pytest.raises(InvalidField):
            services.question_create(
                actor=p.officer, course=c, kind=kind, text=text, options=options, answer=answer
            )
    assert not Question.objects.exists()
    q = services.question_create(actor=p.officer, course=c, kind="judge", text="q", options=[], answer=[1])
    assert q.options == ["正确", "错误"]


def test_exam_draw_score_and_record(p):
    c = course_for(p, p.reporter_a, pass_mark=60)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    kinds = list(Question.objects.filter(pk__in=a.question_ids).values_list("kind", flat=True))
    assert sorted(kinds) == ["judge", "multiple", "single", "single"]
    assert len(set(a.question_ids)) == 4
    assert a.deadline_at - a.started_at == timedelta(minutes=c.time_limit)
    # a second start while open returns the open one
    assert services.attempt_start(actor=p.reporter_a, course=c).pk == a.pk
    answers = right_answers(a)
    wrong_multi = next(k for k, v in answers.items() if len(v) == 2)
    answers[wrong_multi] = [0]  # partial: scores nothing
    done = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=answers)
    assert (done.score, done.passed, done.late) == (75, True, False)
    assert Entry.objects.filter(action="learning.attempt.submitted", object_id=str(a.pk)).exists()
    with pytest.raises(Conflict):
        services.attempt_submit(actor=p.reporter_a, attempt=a, answers=answers)


def test_late_answers_not_counted(p):
    c = course_for(p, p.reporter_a, time_limit=10)
    started = timezone.now() - timedelta(minutes=11)
    a = services.attempt_start(actor=p.reporter_a, course=c, now=started)
    done = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    assert (done.score, done.passed, done.late) == (0, False, True)


def test_in_time_by_server_clock(p):
    c = course_for(p, p.reporter_a, time_limit=10)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    at = a.deadline_at
    done = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a), now=at)
    assert (done.score, done.late) == (100, False)


def test_attempt_limit_and_expired_open(p):
    c = course_for(p, p.reporter_a, attempts_allowed=2, time_limit=5)
    old = services.attempt_start(actor=p.reporter_a, course=c, now=timezone.now() - timedelta(hours=1))
    # the open attempt is past its deadline: a new start closes it (score 0) and opens the second
    new = services.attempt_start(actor=p.reporter_a, course=c)
    old.refresh_from_db()
    assert old.late and old.score == 0 and new.number == 2
    services.attempt_submit(actor=p.reporter_a, attempt=new, answers={})
    with pytest.raises(Conflict):
        services.attempt_start(actor=p.reporter_a, course=c)


def test_exam_permissions(p):
    c = course_for(p, p.reporter_a)
    with pytest.raises(NotFound):
        services.attempt_start(actor=p.reporter_b, course=c)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    with pytest.raises(NotAllowed):
        services.attempt_submit(actor=p.reporter_b, attempt=a, answers={})
    empty = course_for(p, p.reporter_a, n_single=0, n_multiple=0, n_judge=0, title="空")
    with pytest.raises(Conflict):
        services.attempt_start(actor=p.reporter_a, course=empty)
    assert not Attempt.objects.filter(course=empty).exists()


def test_close_expired_is_idempotent(p):
    c = course_for(p, p.reporter_a, time_limit=5)
    services.attempt_start(actor=p.reporter_a, course=c, now=timezone.now() - timedelta(hours=1))
    assert services.expire_step(timezone.localdate()) == {"expired": 1}
    assert services.expire_step(timezone.localdate()) == {"expired": 0}


def test_material_upload_checked(p):
    c = course_for(p, p.reporter_a)
    fake = SimpleUploadedFile("讲义.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(InvalidField):
        services.material_add(actor=p.officer, course=c, kind="document", title="讲义", upload=fake)
    with pytest.raises(InvalidField):
        services.material_add(
            actor=p.officer, course=c, kind="video", title="视频", url="javascript:alert(1)"
        )
    assert not Material.objects.exists()
    pdf = SimpleUploadedFile("讲义.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf")
    m = services.material_add(actor=p.officer, course=c, kind="document", title="讲义", upload=pdf)
    assert m.content_type == "application/pdf" and len(m.sha256) == 64
    v = services.material_add(
        actor=p.officer, course=c, kind="video", title="视频", url="https://v.example.cn/1"
    )
    assert v.url.startswith("https://")
    with pytest.raises(NotAllowed):
        services.material_add(actor=p.head_a, course=c, kind="link", title="x", url="https://x.cn")
