"""The office's edit, withdraw and remove pages: as the officer, and refused for everyone else."""

from typing import Any

import pytest
from django.urls import reverse

from luoshi.learning import services
from luoshi.learning.models import Attempt, Course, Material, Question
from tests.factories import Personas
from tests.helpers import TABLE, client_for
from tests.learning.helpers import course_for, post_of, right_answers

pytestmark = pytest.mark.django_db


def _form(c: Course, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": c.title,
        "description": c.description,
        "pass_mark": c.pass_mark,
        "attempts_allowed": c.attempts_allowed,
        "time_limit": c.time_limit,
        "draw_single": c.draw_single,
        "draw_multiple": c.draw_multiple,
        "draw_judge": c.draw_judge,
        "post_ids": list(c.posts.values_list("pk", flat=True)),
        "seen": c.version,
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _world(p: Personas) -> tuple[Course, Material, Question]:
    c = course_for(p, p.reporter_a)
    m = services.material_add(
        actor=p.officer, course=c, kind="link", title="学习链接", url="https://a.example/"
    )
    q = c.questions.order_by("pk").first()
    assert q is not None
    return c, m, q


@pytest.mark.parametrize("who", TABLE)
def test_edit_pages_per_persona(p: Personas, who: str) -> None:
    c, m, q = _world(p)
    client = client_for(getattr(p, who))
    gets = [
        reverse("learning:course_edit", args=[c.pk]),
        reverse("learning:course_withdraw", args=[c.pk]),
        reverse("learning:material_edit", args=[m.pk]),
        reverse("learning:question_edit", args=[q.pk]),
    ]
    posts = [
        (reverse("learning:course_edit", args=[c.pk]), _form(c, title="改了")),
        (
            reverse("learning:material_edit", args=[m.pk]),
            {"title": "改了", "url": "https://b.example/", "seen": "x"},
        ),
        (reverse("learning:material_remove", args=[m.pk]), {}),
        (reverse("learning:question_remove", args=[q.pk]), {}),
        (reverse("learning:course_withdraw", args=[c.pk]), {}),
    ]
    if who == "anonymous":
        assert all(client.get(u).status_code == 302 for u in gets)
        assert all(client.post(u, d).status_code == 302 for u, d in posts)
    elif who != "officer":
        assert all(client.get(u).status_code == 403 for u in gets)
        assert all(client.post(u, d).status_code == 403 for u, d in posts)
    else:
        pages = [client.get(u) for u in gets]
        assert all(r.status_code == 200 for r in pages)
        assert 'value="党章党规学习"' in pages[0].content.decode()
        assert "彻底删除" in pages[1].content.decode()
        return
    c.refresh_from_db()
    assert c.title == "党章党规学习" and Material.objects.count() == 1 and Question.objects.count() == 7


def test_officer_edits_a_course(p: Personas) -> None:
    c, _m, _q = _world(p)
    client = client_for(p.officer)
    url = reverse("learning:course_edit", args=[c.pk])
    r = client.post(url, _form(c, title="新课名", pass_mark=75, post_ids=[post_of(p.reporter_b).pk]))
    assert r.status_code == 302 and r.url == reverse("learning:office_course", args=[c.pk])
    c.refresh_from_db()
    assert (c.title, c.pass_mark, c.version) == ("新课名", 75, 2)
    assert list(c.posts.values_list("pk", flat=True)) == [post_of(p.reporter_b).pk]


def test_a_stale_course_form_is_refused_and_shows_what_is_stored(p: Personas) -> None:
    c, _m, _q = _world(p)
    stale = _form(c, title="乙的修改")
    services.course_update(actor=p.officer2, course=c, seen=1, title="甲的修改", pass_mark=70)
    r = client_for(p.officer).post(reverse("learning:course_edit", args=[c.pk]), stale)
    assert r.status_code == 409
    html = r.content.decode()
    assert "已被他人修改" in html and 'value="甲的修改"' in html and 'value="70"' in html
    assert 'name="seen" value="2"' in html
    c.refresh_from_db()
    assert c.title == "甲的修改"


def test_a_refused_value_is_shown_beside_its_field(p: Personas) -> None:
    c, _m, _q = _world(p)
    r = client_for(p.officer).post(
        reverse("learning:course_edit", args=[c.pk]), _form(c, draw_single=0, draw_multiple=0, draw_judge=0)
    )
    assert r.status_code == 400
    html = r.content.decode()
    # the service's message sits in the draw_single field's error list
    assert 'id="id_draw_single_error"' in html and "每次考试至少抽一道题" in html
    r = client_for(p.officer).post(reverse("learning:course_edit", args=[c.pk]), _form(c, pass_mark=150))
    assert r.status_code == 400 and 'id="id_pass_mark_error"' in r.content.decode()
    c.refresh_from_db()
    assert c.version == 1


def test_withdraw_page_says_delete_or_archive(p: Personas) -> None:
    client = client_for(p.officer)
    fresh = course_for(p, p.reporter_a, title="无人考过")
    taken = course_for(p, p.reporter_a, title="有人考过")
    a = services.attempt_start(actor=p.reporter_a, course=taken)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    page = client.get(reverse("learning:course_withdraw", args=[fresh.pk])).content.decode()
    assert "彻底删除" in page and "确认删除" in page
    page = client.get(reverse("learning:course_withdraw", args=[taken.pk])).content.decode()
    assert "归档" in page and "确认归档" in page and "1 次考试记录" in page
    r = client.post(reverse("learning:course_withdraw", args=[fresh.pk]))
    assert r.status_code == 302 and not Course.objects.filter(pk=fresh.pk).exists()
    r = client.post(reverse("learning:course_withdraw", args=[taken.pk]), follow=True)
    assert "已归档" in r.content.decode()
    taken.refresh_from_db()
    assert taken.is_archived and Attempt.objects.filter(course=taken).count() == 1
    office = client.get(reverse("learning:office")).content.decode()
    assert "有人考过" in office and "已归档" in office
    course_page = client.get(reverse("learning:office_course", args=[taken.pk])).content.decode()
    assert 'id="course-archived"' in course_page and 'id="edit-course"' not in course_page
    # a record now: no forms to change it, its posts listed
    for name in ("assign", "material_add", "question_add", "import"):
        assert reverse(f"learning:{name}", args=[taken.pk]) not in course_page, name
    assert str(post_of(p.reporter_a)) in course_page
    learner = client_for(p.reporter_a)
    assert "有人考过" not in learner.get(reverse("learning:mine")).content.decode()
    assert "有人考过" in learner.get(reverse("learning:record")).content.decode()
    page = learner.get(reverse("learning:course", args=[taken.pk])).content.decode()
    assert 'id="course-archived"' in page and 'id="start-exam"' not in page
    r = learner.post(reverse("learning:start", args=[taken.pk]), follow=True)
    assert "已归档" in r.content.decode() and Attempt.objects.filter(course=taken).count() == 1


def test_officer_edits_and_removes_materials_and_questions(p: Personas) -> None:
    c, m, q = _world(p)
    client = client_for(p.officer)
    page = client.get(reverse("learning:office_course", args=[c.pk])).content.decode()
    assert reverse("learning:material_edit", args=[m.pk]) in page
    assert reverse("learning:question_edit", args=[q.pk]) in page
    r = client.post(
        reverse("learning:material_edit", args=[m.pk]),
        {"title": "新链接", "url": "https://b.example/", "seen": services.material_seen(m)},
    )
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.title, m.url) == ("新链接", "https://b.example/")
    r = client.post(
        reverse("learning:material_edit", args=[m.pk]),
        {"title": "x", "url": "ftp://x", "seen": services.material_seen(m)},
    )
    assert r.status_code == 400 and 'id="id_url_error"' in r.content.decode()
    r = client.post(
        reverse("learning:material_edit", args=[m.pk]), {"title": "旧表单", "url": "", "seen": "stale"}
    )
    assert r.status_code == 409 and 'value="新链接"' in r.content.decode()
    # the question form shows the stored answer as letters, and takes a correction
    page = client.get(reverse("learning:question_edit", args=[q.pk])).content.decode()
    assert 'name="answer"' in page and 'value="A"' in page
    r = client.post(
        reverse("learning:question_edit", args=[q.pk]),
        {
            "kind": "multiple",
            "text": "改后的题",
            "options": "甲\n乙\n丙",
            "answer": "BC",
            "seen": services.question_seen(q),
        },
    )
    assert r.status_code == 302
    q.refresh_from_db()
    assert (q.kind, q.text, q.answer) == ("multiple", "改后的题", [1, 2])
    r = client.post(
        reverse("learning:question_edit", args=[q.pk]),
        {
            "kind": "single",
            "text": "x",
            "options": "甲\n乙",
            "answer": "Z",
            "seen": services.question_seen(q),
        },
    )
    assert r.status_code == 400 and 'id="id_answer_error"' in r.content.decode()
    judge = c.questions.filter(kind="judge").first()
    assert judge is not None
    assert 'value="对"' in client.get(reverse("learning:question_edit", args=[judge.pk])).content.decode()
    assert client.post(reverse("learning:material_remove", args=[m.pk])).status_code == 302
    assert client.post(reverse("learning:question_remove", args=[q.pk])).status_code == 302
    assert not Material.objects.exists() and not Question.objects.filter(pk=q.pk).exists()
    assert client.get(reverse("learning:question_edit", args=[q.pk])).status_code == 404
