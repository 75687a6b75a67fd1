import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.learning import services
from luoshi.learning.models import Attempt, Course, Question
from tests.factories import Personas, make_unit, make_user
from tests.helpers import PERSONAS, client_for, exact_queries
from tests.learning.helpers import course_for, post_of, right_answers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", PERSONAS)
def test_pages_per_persona(p: Personas, who: str) -> None:
    c = course_for(p, p.reporter_a)
    user = getattr(p, who)
    client = client_for(user)
    mine = client.get(reverse("learning:mine"))
    office = client.get(reverse("learning:office"))
    page = client.get(reverse("learning:course", args=[c.pk]))
    if user is None:
        assert mine.status_code == 302 and office.status_code == 302
        return
    assert mine.status_code == 200
    assert client.get(reverse("learning:record")).status_code == 200
    if who in ("officer", "officer2"):
        assert office.status_code == 200
        assert client.get(reverse("learning:office_course", args=[c.pk])).status_code == 200
    else:
        assert office.status_code == 403
        assert client.get(reverse("learning:office_course", args=[c.pk])).status_code == 403
    assert page.status_code == (200 if who in ("reporter_a", "officer", "officer2") else 404)
    if who == "reporter_a":
        assert "党章党规学习" in mine.content.decode()


def test_take_exam_through_pages(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    client = client_for(p.reporter_a)
    r = client.post(reverse("learning:start", args=[c.pk]))
    a = Attempt.objects.get()
    assert r.url == reverse("learning:exam", args=[a.pk])
    page = client.get(r.url)
    assert page.status_code == 200 and 'id="countdown"' in page.content.decode()
    # a second start returns the open attempt
    assert client.post(reverse("learning:start", args=[c.pk])).url == r.url
    # someone else cannot open it
    assert client_for(p.reporter_b).get(r.url).status_code == 404
    data = {f"q{k}": v for k, v in right_answers(a).items()}
    client.post(r.url, data)
    a.refresh_from_db()
    assert a.score == 100 and a.passed
    record = client.get(reverse("learning:record")).content.decode()
    assert "党章党规学习" in record and ">100<" in record


def test_office_forms(p: Personas) -> None:
    client = client_for(p.officer)
    r = client.post(
        reverse("learning:office"),
        {
            "title": "新课",
            "pass_mark": 60,
            "attempts_allowed": 2,
            "time_limit": 20,
            "draw_single": 1,
            "draw_multiple": 0,
            "draw_judge": 1,
            "post_ids": [post_of(p.reporter_a).pk],
        },
    )
    assert r.status_code == 302
    c = Course.objects.get(title="新课")
    r = client.post(
        reverse("learning:question_add", args=[c.pk]),
        {"kind": "single", "text": "问", "options": "甲\n乙", "answer": "B"},
    )
    assert r.status_code == 302 and Question.objects.get().answer == [1]
    r = client.post(
        reverse("learning:question_add", args=[c.pk]),
        {"kind": "single", "text": "问", "options": "甲\n乙", "answer": "D"},
    )
    assert r.status_code == 400 and Question.objects.count() == 1
    csv = "题型,题干,选项A,选项B,答案\n判断,对吗,,,对\n单选,哪个,甲,乙,A\n".encode()
    r = client.post(reverse("learning:import", args=[c.pk]), {"table": SimpleUploadedFile("q.csv", csv)})
    assert r.status_code == 200 and Question.objects.count() == 1  # preview writes nothing
    r = client.post(reverse("learning:import", args=[c.pk]), {"commit": "1"})
    assert r.status_code == 302 and Question.objects.count() == 3
    bad = "题型,题干,选项A,选项B,答案\n单选,哪个,甲,乙,Z\n".encode()
    r = client.post(reverse("learning:import", args=[c.pk]), {"table": SimpleUploadedFile("q.csv", bad)})
    assert r.status_code == 400 and "答案" in r.content.decode()
    r = client.post(reverse("learning:import", args=[c.pk]), {"commit": "1"})
    assert Question.objects.count() == 3


def _people(p: Personas, course, n: int, start: int) -> None:
    for i in range(start, n):
        unit = make_unit(f"街道{i}", parent=p.district, code=f"JD{i}")
        u = make_user(f"learner{i}", unit=unit, name=f"学员{i}")
        services.course_assign(
            actor=p.officer,
            course=course,
            post_ids=[*course.posts.values_list("pk", flat=True), post_of(u).pk],
        )
        a = services.attempt_start(actor=u, course=course)
        services.attempt_submit(actor=u, attempt=a, answers=right_answers(a) if i % 2 else {})


def test_query_counts(p: Personas) -> None:
    officer = client_for(p.officer)
    person = client_for(p.reporter_a)
    target = course_for(p, p.reporter_a, title="课程0")
    counts: dict[str, list[int]] = {"mine": [], "record": [], "office": [], "course": []}
    made = 1
    start = 0
    for n in (1, 4):
        while made < n:
            course_for(p, p.reporter_a, title=f"课程{made}")
            made += 1
        for c in list(Course.objects.all()):
            if not Attempt.objects.filter(course=c, person=p.reporter_a.person).exists():
                a = services.attempt_start(actor=p.reporter_a, course=c)
                services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
        _people(p, target, n, start)
        start = n
        pages = [
            ("mine", person, "learning.mine[reporter_a /learning/]", reverse("learning:mine")),
            ("record", person, "learning.record[reporter_a /learning/record/]", reverse("learning:record")),
            ("office", officer, "learning.office[officer /learning/office/]", reverse("learning:office")),
            (
                "course",
                officer,
                "learning.office_course[officer /learning/office/{course}/]",
                reverse("learning:office_course", args=[target.pk]),
            ),
        ]
        for key, client, name, url in pages:
            client.get(url)
            with exact_queries(f"{name}@{n}") as counted:
                assert client.get(url).status_code == 200
            counts[key].append(counted.count)
    for key, (small, big) in counts.items():
        assert big <= small, key
