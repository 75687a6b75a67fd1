"""PATCH and DELETE of courses, materials and questions through /api/v1/learning/."""

import json
from typing import Any

import pytest

from luoshi.learning import services
from luoshi.learning.models import Attempt, Course, Material, Question
from tests.factories import Personas
from tests.helpers import client_for
from tests.learning.helpers import course_for, post_of, right_answers

pytestmark = pytest.mark.django_db


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_course_patch_and_conflict(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    client = client_for(p.officer)
    url = f"/api/v1/learning/courses/{c.pk}"
    r = _patch(client, url, {"version": 1, "pass_mark": 80, "post_ids": [post_of(p.reporter_b).pk]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["pass_mark"] == 80 and body["version"] == 2 and body["post_ids"] == [post_of(p.reporter_b).pk]
    assert body["title"] == "党章党规学习" and body["archived"] is False
    r = _patch(client, url, {"version": 1, "title": "旧的"})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    r = _patch(client, url, {"version": 2, "draw_single": 0, "draw_multiple": 0, "draw_judge": 0})
    assert r.status_code == 400 and r.json()["field"] == "draw_single"
    r = _patch(client, url, {"version": 2, "pass_mark": None})
    assert r.status_code == 400 and r.json()["field"] == "pass_mark"
    assert _patch(client, url, {"version": 2, "pass_mark": 101}).status_code == 422
    r = _patch(client, url, {"version": 2, "deadline": None, "description": "说明"})
    assert r.status_code == 200 and r.json()["description"] == "说明"
    assert _patch(client, "/api/v1/learning/courses/999999", {"version": 1}).status_code == 404
    for who in ("reporter_a", "head_a", "leader"):
        r = _patch(client_for(getattr(p, who)), url, {"version": 3, "title": "x"})
        assert r.status_code == 403, who
    c.refresh_from_db()
    assert (c.pass_mark, c.version, c.title) == (80, 3, "党章党规学习")


def test_course_delete_deletes_or_archives(p: Personas) -> None:
    fresh = course_for(p, p.reporter_a, title="无人考过")
    taken = course_for(p, p.reporter_a, title="有人考过")
    a = services.attempt_start(actor=p.reporter_a, course=taken)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    assert client_for(p.reporter_a).delete(f"/api/v1/learning/courses/{fresh.pk}").status_code == 403
    client = client_for(p.officer)
    r = client.delete(f"/api/v1/learning/courses/{fresh.pk}")
    assert r.status_code == 200 and r.json() == {"outcome": "deleted"}
    assert not Course.objects.filter(pk=fresh.pk).exists()
    r = client.delete(f"/api/v1/learning/courses/{taken.pk}")
    assert r.status_code == 200 and r.json() == {"outcome": "archived"}
    assert client.delete(f"/api/v1/learning/courses/{taken.pk}").status_code == 409
    assert Attempt.objects.filter(course=taken).count() == 1
    # learners no longer list it or start it; officers see it marked
    learner = client_for(p.reporter_a)
    assert learner.get("/api/v1/learning/courses").json()["count"] == 0
    assert learner.post(f"/api/v1/learning/courses/{taken.pk}/attempts").status_code == 409
    assert learner.get("/api/v1/learning/record").json()["count"] == 1
    items = client.get("/api/v1/learning/courses").json()["items"]
    assert [(i["title"], i["archived"]) for i in items] == [("有人考过", True)]


def test_material_patch_and_delete(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    m = services.material_add(actor=p.officer, course=c, kind="link", title="链接", url="https://a.example/")
    client = client_for(p.officer)
    url = f"/api/v1/learning/materials/{m.pk}"
    assert _patch(client_for(p.head_a), url, {"title": "x"}).status_code == 403
    r = _patch(client, url, {"title": "新链接", "url": "https://b.example/"})
    assert r.status_code == 200 and r.json()["title"] == "新链接" and r.json()["url"] == "https://b.example/"
    r = _patch(client, url, {"title": "新链接", "url": "file:///etc/passwd"})
    assert r.status_code == 400 and r.json()["field"] == "url"
    assert client_for(p.head_a).delete(url).status_code == 403
    assert client.delete(url).status_code == 204
    assert not Material.objects.exists()
    assert client.delete(url).status_code == 404


def test_question_patch_and_delete(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    q = c.questions.filter(kind="single").first()
    assert q is not None
    client = client_for(p.officer)
    url = f"/api/v1/learning/questions/{q.pk}"
    body = {"kind": "multiple", "text": "改后的题", "options": ["甲", "乙", "丙"], "answer": [0, 1]}
    assert _patch(client_for(p.reporter_a), url, body).status_code == 403
    r = _patch(client, url, body)
    assert r.status_code == 200 and r.json()["answer"] == [0, 1] and r.json()["kind"] == "multiple"
    r = _patch(client, url, {**body, "answer": [0]})
    assert r.status_code == 400 and r.json()["field"] == "answer"
    assert _patch(client, url, {**body, "kind": "essay"}).status_code == 422
    assert client_for(p.leader).delete(url).status_code == 403
    assert client.delete(url).status_code == 204
    assert not Question.objects.filter(pk=q.pk).exists()
