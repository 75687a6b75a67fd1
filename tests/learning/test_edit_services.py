"""Editing and withdrawing courses, materials and questions: the conflict, the rules attempts were
taken under, delete versus archive, and the audit entries."""

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, NotAllowed, NotFound
from luoshi.learning import assessment_events, selectors, services
from luoshi.learning.models import Attempt, Course, Material, Question
from tests.factories import Personas
from tests.learning.helpers import course_for, post_of, right_answers

pytestmark = pytest.mark.django_db


def _actions(obj_id: int, action: str) -> int:
    return Entry.objects.filter(action=action, object_id=str(obj_id)).count()


def test_course_update_changes_fields_and_posts_and_audits(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    assert c.version == 1
    out = services.course_update(
        actor=p.officer,
        course=c,
        seen=1,
        title=" 新名称 ",
        pass_mark=80,
        draw_single=1,
        deadline=date(2027, 3, 1),
        post_ids=[post_of(p.reporter_b).pk],
    )
    c.refresh_from_db()
    assert (c.title, c.pass_mark, c.draw_single, c.deadline, c.version) == (
        "新名称",
        80,
        1,
        date(2027, 3, 1),
        2,
    )
    assert out.version == 2
    assert list(c.posts.values_list("pk", flat=True)) == [post_of(p.reporter_b).pk]
    entry = Entry.objects.get(action="learning.course.updated", object_id=str(c.pk))
    assert entry.before["pass_mark"] == 60 and entry.after["pass_mark"] == 80
    assert entry.after["posts"] == [post_of(p.reporter_b).pk]


def test_course_update_refuses_a_stale_form(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    services.course_update(actor=p.officer, course=c, seen=1, title="甲改的")
    with pytest.raises(Conflict) as err:
        services.course_update(actor=p.officer2, course=c, seen=1, title="乙改的")
    assert "1 → 2" in err.value.message
    c.refresh_from_db()
    assert c.title == "甲改的" and c.version == 2
    # assigning posts changes what the edit form showed too
    services.course_assign(actor=p.officer, course=c, post_ids=[])
    with pytest.raises(Conflict):
        services.course_update(actor=p.officer, course=c, seen=2, title="再改")
    services.course_update(actor=p.officer, course=c, seen=3, title="再改")
    assert Course.objects.get().title == "再改"


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_course_edits_need_an_officer(p: Personas, who: str) -> None:
    c = course_for(p, p.reporter_a)
    user = getattr(p, who)
    m = services.material_add(actor=p.officer, course=c, kind="link", title="资料", url="https://a.example/")
    q = c.questions.first()
    with pytest.raises(NotAllowed):
        services.course_update(actor=user, course=c, seen=1, title="x")
    with pytest.raises(NotAllowed):
        services.course_withdraw(actor=user, course=c)
    with pytest.raises(NotAllowed):
        services.material_update(actor=user, material=m, title="x")
    with pytest.raises(NotAllowed):
        services.material_remove(actor=user, material=m)
    with pytest.raises(NotAllowed):
        services.question_update(
            actor=user, question=q, kind="single", text="x", options=["a", "b"], answer=[0]
        )
    with pytest.raises(NotAllowed):
        services.question_remove(actor=user, question=q)
    c.refresh_from_db()
    assert c.title == "党章党规学习" and Material.objects.count() == 1 and Question.objects.count() == 7


def test_course_update_validation_names_the_field(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    cases = [
        ({"title": "  "}, "title"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"time_limit": 0}, "time_limit"),
        ({"draw_single": 0, "draw_multiple": 0, "draw_judge": 0}, "draw_single"),
        ({"post_ids": [987654]}, "post_ids"),
        ({"created_by": None}, "created_by"),
    ]
    for changes, field in cases:
        with pytest.raises(InvalidField) as err:
            services.course_update(actor=p.officer, course=c, seen=1, **changes)
        assert err.value.field == field
    c.refresh_from_db()
    assert c.version == 1 and c.title == "党章党规学习"


def test_submitted_attempts_keep_their_score_when_the_rules_change(p: Personas) -> None:
    c = course_for(p, p.reporter_a, pass_mark=60)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    answers = right_answers(a)
    wrong = str(a.question_ids[0])
    answers[wrong] = [1]  # 3 of 4 right: 75
    a = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=answers)
    assert (a.score, a.passed, a.pass_mark) == (75, True, 60)
    services.course_update(
        actor=p.officer, course=c, seen=1, pass_mark=90, draw_single=3, draw_multiple=2, draw_judge=2
    )
    a.refresh_from_db()
    assert (a.score, a.passed, a.pass_mark, len(a.question_ids)) == (75, True, 60, 4)
    # a new attempt is taken under the new rules
    b = services.attempt_start(actor=p.reporter_a, course=c)
    assert b.pass_mark == 90 and len(b.question_ids) == 7


def test_an_open_attempt_keeps_the_pass_mark_it_started_under(p: Personas) -> None:
    c = course_for(p, p.reporter_a, pass_mark=60)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    services.course_update(actor=p.officer, course=c, seen=1, pass_mark=100)
    answers = right_answers(a)
    answers[str(a.question_ids[0])] = [1]
    a = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=answers)
    assert (a.score, a.passed) == (75, True)


def test_question_edits_do_not_change_what_an_attempt_recorded(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    done = services.attempt_start(actor=p.reporter_a, course=c)
    given = right_answers(done)
    done = services.attempt_submit(actor=p.reporter_a, attempt=done, answers=given)
    paper_before = list(done.paper)
    first = Question.objects.get(pk=done.question_ids[0])
    seen = services.question_seen(first)
    services.question_update(
        actor=p.officer,
        question=first,
        kind="single",
        text="改过的题干",
        options=["一", "二"],
        answer=[1],
        seen=seen,
    )
    first.refresh_from_db()
    assert (first.text, first.options, first.answer) == ("改过的题干", ["一", "二"], [1])
    removed = Question.objects.get(pk=done.question_ids[1])
    services.question_remove(actor=p.officer, question=removed)
    assert not Question.objects.filter(pk=removed.pk).exists()
    done.refresh_from_db()
    assert done.paper == paper_before and done.score == 100 and done.passed
    shown = selectors.attempt_questions(done)
    assert [q.pk for q in shown] == done.question_ids
    assert shown[0].text != "改过的题干" and shown[0].answer == [0]
    assert _actions(first.pk, "learning.question.updated") == 1
    assert Entry.objects.get(action="learning.question.removed", object_id=str(removed.pk)).before["text"]


def test_an_open_attempt_is_marked_against_the_paper_it_was_given(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    given = right_answers(a)  # the right answers as drawn
    for qid in a.question_ids:
        q = Question.objects.get(pk=qid)
        if q.kind == "judge":
            services.question_update(
                actor=p.officer, question=q, kind="judge", text=q.text, options=[], answer=[1]
            )
        else:
            services.question_remove(actor=p.officer, question=q)
    a = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=given)
    assert a.score == 100 and a.passed


def test_question_update_conflict_and_validation(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    q = c.questions.filter(kind="single").first()
    assert q is not None
    stale = services.question_seen(q)
    services.question_update(
        actor=p.officer, question=q, kind="single", text="新", options=["a", "b"], answer=[0]
    )
    with pytest.raises(Conflict):
        services.question_update(
            actor=p.officer2, question=q, kind="single", text="旧", options=["a", "b"], answer=[0], seen=stale
        )
    with pytest.raises(InvalidField) as err:
        services.question_update(
            actor=p.officer, question=q, kind="multiple", text="新", options=["a", "b"], answer=[0]
        )
    assert err.value.field == "answer"
    q.refresh_from_db()
    assert q.text == "新" and q.kind == "single"
    services.question_remove(actor=p.officer, question=q)
    with pytest.raises(NotFound):
        services.question_remove(actor=p.officer, question=q)


def test_withdraw_deletes_a_course_nobody_sat(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    m = services.material_add(actor=p.officer, course=c, kind="document", title="文件", upload=upload)
    name = m.file.name
    assert default_storage.exists(name)
    assert services.course_can_delete(c)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.course_withdraw(actor=p.officer, course=c) == "deleted"
    assert not Course.objects.exists() and not Question.objects.exists() and not Material.objects.exists()
    assert not default_storage.exists(name)
    entry = Entry.objects.get(action="learning.course.deleted", object_id=str(c.pk))
    assert entry.before["title"] == "党章党规学习" and entry.before["questions"] == 7
    with pytest.raises(NotFound):
        services.course_withdraw(actor=p.officer, course=c)


def test_withdraw_archives_a_course_with_attempts(p: Personas) -> None:
    today = timezone.localdate()
    c = course_for(p, p.reporter_a, p.head_a, deadline=today - timedelta(days=2))
    a = services.attempt_start(actor=p.reporter_a, course=c, now=timezone.now() - timedelta(days=5))
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers={}, now=timezone.now() - timedelta(days=5))
    assert not services.course_can_delete(c)
    assert [x.pk for x in selectors.my_courses(p.reporter_a)] == [c.pk]
    assert services.course_withdraw(actor=p.officer, course=c) == "archived"
    c.refresh_from_db()
    assert c.is_archived and c.version == 2
    assert _actions(c.pk, "learning.course.archived") == 1
    # hidden from the learners' list and closed to new attempts
    assert selectors.my_courses(p.reporter_a) == [] and selectors.my_courses(p.head_a) == []
    with pytest.raises(Conflict):
        services.attempt_start(actor=p.head_a, course=c)
    # still in the records and in assessment
    assert [x.pk for x in selectors.my_record(p.reporter_a)] == [a.pk]
    assert [x.title for x in selectors.office_courses()] == ["党章党规学习"]
    rows = assessment_events.not_completed([p.unit_a.pk], date(today.year - 1, 1, 1), today)
    assert len(rows) == 2 and all(r.ref.startswith(f"learning.Course:{c.pk}:") for r in rows)
    # an archived course is not edited or archived again
    with pytest.raises(Conflict):
        services.course_update(actor=p.officer, course=c, seen=2, title="x")
    with pytest.raises(Conflict):
        services.course_withdraw(actor=p.officer, course=c)
    assert Attempt.objects.count() == 1


def test_an_open_attempt_of_an_archived_course_can_still_be_handed_in(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    services.course_withdraw(actor=p.officer, course=c)
    assert services.attempt_start(actor=p.reporter_a, course=c).pk == a.pk  # resumes it
    a = services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    assert a.score == 100


def test_material_update_and_remove(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    m = services.material_add(actor=p.officer, course=c, kind="link", title="资料", url="https://a.example/")
    stale = services.material_seen(m)
    services.material_update(
        actor=p.officer, material=m, title="新标题", url="https://b.example/x", seen=stale
    )
    m.refresh_from_db()
    assert (m.title, m.url) == ("新标题", "https://b.example/x")
    with pytest.raises(Conflict):
        services.material_update(actor=p.officer2, material=m, title="别的", seen=stale)
    with pytest.raises(InvalidField) as err:
        services.material_update(actor=p.officer, material=m, title="新标题", url="javascript:alert(1)")
    assert err.value.field == "url"
    with pytest.raises(InvalidField):
        services.material_update(actor=p.officer, material=m, title=" ")
    e = Entry.objects.get(action="learning.material.updated", object_id=str(m.pk))
    assert e.before == {"title": "资料", "url": "https://a.example/"}
    services.material_remove(actor=p.officer, material=m)
    assert not Material.objects.exists()
    assert (
        Entry.objects.get(action="learning.material.removed", object_id=str(m.pk)).before["title"] == "新标题"
    )


def test_document_material_keeps_its_file_on_rename(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    m = services.material_add(actor=p.officer, course=c, kind="document", title="文件", upload=upload)
    services.material_update(actor=p.officer, material=m, title="改名", url="https://ignored.example/")
    m.refresh_from_db()
    assert m.title == "改名" and m.url == "" and default_storage.exists(m.file.name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.material_remove(actor=p.officer, material=m)
    assert not default_storage.exists(m.file.name)


def test_migration_fills_papers_of_earlier_attempts(p: Personas) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "luoshi.learning.migrations.0005_course_version_archive_attempt_paper"
    )
    c = course_for(p, p.reporter_a, pass_mark=70)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    expected = a.paper
    Attempt.objects.filter(pk=a.pk).update(paper=[], pass_mark=None)  # as attempts were before
    migration.fill_papers(apps, None)
    a.refresh_from_db()
    assert a.paper == expected and a.pass_mark == 70
    assert [q["id"] for q in a.paper] == a.question_ids


def test_an_archived_course_is_a_record(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    m = services.material_add(actor=p.officer, course=c, kind="link", title="资料", url="https://a.example/")
    q = c.questions.order_by("pk").first()
    assert q is not None
    a = services.attempt_start(actor=p.reporter_a, course=c)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers={})
    services.course_withdraw(actor=p.officer, course=c)
    refused = [
        lambda: services.course_assign(actor=p.officer, course=c, post_ids=[]),
        lambda: services.material_add(
            actor=p.officer, course=c, kind="link", title="x", url="https://b.example/"
        ),
        lambda: services.material_update(actor=p.officer, material=m, title="x"),
        lambda: services.material_remove(actor=p.officer, material=m),
        lambda: services.question_create(
            actor=p.officer, course=c, kind="single", text="x", options=["a", "b"], answer=[0]
        ),
        lambda: services.question_update(
            actor=p.officer, question=q, kind="single", text="x", options=["a", "b"], answer=[0]
        ),
        lambda: services.question_remove(actor=p.officer, question=q),
        lambda: services.questions_import(actor=p.officer, course=c, rows=[]),
    ]
    for call in refused:
        with pytest.raises(Conflict):
            call()
    assert list(c.posts.values_list("pk", flat=True)) == [post_of(p.reporter_a).pk]
    assert Material.objects.get().title == "资料" and Question.objects.count() == 7
