import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from luoshi.assessment.events import collect
from luoshi.learning import assessment_events, services
from luoshi.learning.models import Attempt
from tests.factories import Personas
from tests.helpers import client_for, exact_queries
from tests.learning.helpers import course_for, right_answers

pytestmark = pytest.mark.django_db


def test_take_exam_by_api(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    client = client_for(p.reporter_a)
    assert client.get("/api/v1/learning/courses").json()["count"] == 1
    assert client_for(p.reporter_b).get("/api/v1/learning/courses").json()["count"] == 0
    assert client_for(p.reporter_b).post(f"/api/v1/learning/courses/{c.pk}/attempts").status_code == 404
    started = client.post(f"/api/v1/learning/courses/{c.pk}/attempts").json()
    assert len(started["questions"]) == 4 and "answer" not in started["questions"][0]
    assert started["seconds_left"] > 0
    again = client.post(f"/api/v1/learning/courses/{c.pk}/attempts").json()
    assert again["id"] == started["id"]
    a = Attempt.objects.get()
    r = client.post(
        f"/api/v1/learning/attempts/{a.pk}/submit",
        json.dumps({"answers": right_answers(a)}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["score"] == 100 and r.json()["passed"]
    again = client.post(
        f"/api/v1/learning/attempts/{a.pk}/submit",
        json.dumps({"answers": {}}),
        content_type="application/json",
    )
    assert again.status_code == 409
    record = client.get("/api/v1/learning/record").json()
    assert record["count"] == 1 and record["items"][0]["score"] == 100


def test_completion_by_api(p: Personas) -> None:
    c = course_for(p, p.reporter_a, p.head_a, p.reporter_b)
    a = services.attempt_start(actor=p.reporter_a, course=c)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    assert client_for(p.reporter_a).get(f"/api/v1/learning/courses/{c.pk}/completion").status_code == 403
    client = client_for(p.officer)
    client.get(f"/api/v1/learning/courses/{c.pk}/completion")
    with exact_queries("learning.api[officer /api/v1/learning/courses/{course}/completion]@2"):
        rows = client.get(f"/api/v1/learning/courses/{c.pk}/completion").json()
    by_unit = {r["unit_id"]: (r["assigned"], r["completed"], r["rate"]) for r in rows}
    assert by_unit == {p.unit_a.pk: (2, 1, 50), p.unit_b.pk: (1, 0, 0)}


def test_not_completed_by_deadline_is_an_assessment_event(p: Personas) -> None:
    today = timezone.localdate()
    due = today - timedelta(days=3)
    c = course_for(p, p.reporter_a, p.head_a, p.reporter_b, deadline=due)
    a = services.attempt_start(actor=p.reporter_a, course=c, now=timezone.now() - timedelta(days=5))
    services.attempt_submit(
        actor=p.reporter_a, attempt=a, answers=right_answers(a), now=timezone.now() - timedelta(days=5)
    )
    rows = assessment_events.not_completed([p.unit_a.pk, p.unit_b.pk], date(today.year - 1, 1, 1), today)
    assert sorted((r.unit_id, r.kind) for r in rows) == sorted(
        [(p.unit_a.pk, assessment_events.KIND), (p.unit_b.pk, assessment_events.KIND)]
    )
    assert any("甲局长" in r.text for r in rows) and not any("甲填报员" in r.text for r in rows)
    # a course whose deadline has not passed yet counts nobody
    course_for(p, p.reporter_b, deadline=today + timedelta(days=1), title="未到期")
    assert (
        len(
            assessment_events.not_completed(
                [p.unit_b.pk], date(today.year - 1, 1, 1), today + timedelta(days=9)
            )
        )
        == 1
    )
    via_assessment = collect(assessment_events.KIND, [p.unit_a.pk], date(today.year - 1, 1, 1), today)
    assert [r.unit_id for r in via_assessment] == [p.unit_a.pk]
