"""Input no view can handle is refused with a 4xx and a message, never a server error (issue 10, 4):
NUL characters (PostgreSQL cannot store or compare them), numbers past a bigint, dates the rules
cannot compute with and unbounded text, in the API and on the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from luoshi.org.models import ApiToken
from luoshi.org.services import token_create
from luoshi.work.models import Report, Task
from luoshi.work.services import report_submit
from tests.factories import Personas

API = "/api/v1"
HUGE = "36893488147419103232"  # 2**65: past PostgreSQL's bigint and SQLite's INTEGER


@pytest.fixture
def world(p: Personas) -> dict[str, Any]:
    plan = p.plan(head_approval=False)
    task = p.task(plan, title="推进重大项目建设", unit=p.unit_a, code="1")
    report_submit(actor=p.reporter_a, task=task, percent=40, narrative="已开工", on=date(2024, 6, 20))
    return {"plan": plan, "task": task}


def bearer(user: Any) -> Client:
    _, raw = token_create(actor=user, user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def logged_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def assert_refused(resp: Any, status: int, *words: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.content[:500]
    body = resp.json()
    assert isinstance(body["detail"], str) and body["detail"]
    for word in words:
        assert word in body["detail"], body
    return body


# ----------------------------------------------------------------------------------------------
# API


@pytest.mark.parametrize("url", ["/plans", "/units", "/tasks", "/tasks/{task}/reports"])
def test_api_huge_offset_is_422(p: Personas, world: dict[str, Any], url: str) -> None:
    c = bearer(p.officer)
    resp = c.get(API + url.format(task=world["task"].pk), {"offset": HUGE})
    body = assert_refused(resp, 422, "offset")
    assert body["errors"][0]["loc"][-1] == "offset"


@pytest.mark.parametrize("param", ["q", "category"])
def test_api_nul_in_unit_query_is_400(p: Personas, param: str) -> None:
    resp = bearer(p.officer).get(API + "/units", {param: "发改\x00局"})
    assert_refused(resp, 400, "NUL")


def test_api_nul_in_task_filter_is_400(p: Personas, world: dict[str, Any]) -> None:
    resp = bearer(p.officer).get(API + "/tasks", {"q": "\x00"})
    assert_refused(resp, 400, "NUL")


def test_api_nul_in_report_narrative_is_400_and_nothing_is_stored(p: Personas, world: dict[str, Any]) -> None:
    before = Report.objects.count()
    c = bearer(p.reporter_a)
    url = f"{API}/tasks/{world['task'].pk}/reports"
    for payload in ({"percent": 50, "narrative": "进展\x00顺利"}, {"percent": 50, "problems": "\u0000"}):
        assert_refused(c.post(url, payload, content_type="application/json"), 400, "NUL")
    assert Report.objects.count() == before


def test_api_escaped_backslash_is_not_taken_for_nul(p: Personas, world: dict[str, Any]) -> None:
    c = bearer(p.reporter_a)
    url = f"{API}/tasks/{world['task'].pk}/reports"
    resp = c.post(url, '{"percent": 50, "narrative": "路径 C:\\\\u0000"}', content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["narrative"] == "路径 C:\\u0000"


def test_api_nul_in_token_name_and_task_title_is_400(p: Personas, world: dict[str, Any]) -> None:
    c = bearer(p.officer)
    assert_refused(c.post(API + "/tokens", {"name": "ci\x00"}, content_type="application/json"), 400, "NUL")
    assert not ApiToken.objects.filter(name__startswith="ci").exists()
    task = world["task"]
    new = {
        "plan": world["plan"].pk,
        "title": "新\x00任务",
        "lead_unit": p.unit_a.pk,
        "start": "2024-01-01",
        "due": "2024-12-31",
    }
    assert_refused(c.post(API + "/tasks", new, content_type="application/json"), 400, "NUL")
    patch = {"version": task.version, "title": "改\x00名"}
    assert_refused(c.patch(f"{API}/tasks/{task.pk}", patch, content_type="application/json"), 400, "NUL")
    assert Task.objects.get(pk=task.pk).title == "推进重大项目建设"
    assert not Task.objects.filter(title__startswith="新").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_api_absurd_dates_are_422(p: Personas, world: dict[str, Any], day: str) -> None:
    c = bearer(p.officer)
    plan = world["plan"]
    assert_refused(c.get(f"{API}/plans/{plan.pk}/lights", {"date": day}), 422, "date")
    assert_refused(c.get(f"{API}/plans/{plan.pk}/periods/{day}"), 422, "period_end")
    new = {"plan": plan.pk, "title": "新任务", "lead_unit": p.unit_a.pk, "start": day, "due": "2024-12-31"}
    assert_refused(c.post(API + "/tasks", new, content_type="application/json"), 422, "start")
    report = {"percent": 50, "period_end": day}
    url = f"{API}/tasks/{world['task'].pk}/reports"
    assert_refused(bearer(p.reporter_a).post(url, report, content_type="application/json"), 422)


def test_api_dates_at_the_bounds_are_answered(p: Personas, world: dict[str, Any]) -> None:
    c = bearer(p.officer)
    for day in ("1900-01-01", "2999-12-31"):
        resp = c.get(f"{API}/plans/{world['plan'].pk}/lights", {"date": day})
        assert resp.status_code == 200 and resp.json()["date"] == day


def test_api_report_text_is_bounded(p: Personas, world: dict[str, Any]) -> None:
    before = Report.objects.count()
    url = f"{API}/tasks/{world['task'].pk}/reports"
    c = bearer(p.reporter_a)
    for field in ("narrative", "problems", "next_steps"):
        resp = c.post(url, {"percent": 50, field: "字" * 1_000_000}, content_type="application/json")
        assert_refused(resp, 422, field)
    assert Report.objects.count() == before
    ok = c.post(url, {"percent": 50, "narrative": "字" * 10_000}, content_type="application/json")
    assert ok.status_code == 201


def test_api_huge_ids_in_a_body_are_422(p: Personas, world: dict[str, Any]) -> None:
    new = {
        "plan": HUGE,
        "title": "新任务",
        "lead_unit": p.unit_a.pk,
        "start": "2024-01-01",
        "due": "2024-12-31",
    }
    resp = bearer(p.officer).post(API + "/tasks", new, content_type="application/json")
    assert_refused(resp, 422, "plan")


def test_openapi_documents_400_and_422_everywhere() -> None:
    schema = Client().get(API + "/openapi.json").json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert {"400", "422"} <= set(op["responses"]), (method, path)
    page = schema["components"]["schemas"]
    assert set(page["ValidationErrors"]["required"]) == {"detail", "errors"}
    params = {p["name"]: p for p in schema["paths"][API + "/plans"]["get"]["parameters"]}
    assert params["offset"]["schema"]["maximum"] == 10**9


# ----------------------------------------------------------------------------------------------
# Pages


def test_pages_refuse_a_nul_with_400_and_a_message(p: Personas, world: dict[str, Any]) -> None:
    c = logged_in(p.officer)
    plan = world["plan"]
    for url, params in [
        ("/work/tasks/", {"q": "\x00"}),
        ("/work/tasks/", {"status\x00": "x"}),
        (f"/work/plans/{plan.pk}/", {"parent": "1\x00"}),
        ("/documents/ledger.csv", {"q": "a\x00"}),
        (f"/documents/bulletin/{plan.pk}/", {"date": "2024-06-01\x00"}),
        ("/notifications/", {"page": "\x00"}),
    ]:
        resp = c.get(url, params)
        assert resp.status_code == 400, (url, params, resp.status_code)
        assert "NUL" in resp.content.decode()


def test_report_form_with_a_nul_is_400_and_nothing_is_stored(p: Personas, world: dict[str, Any]) -> None:
    before = Report.objects.count()
    c = logged_in(p.reporter_a)
    resp = c.post(f"/work/fill/{world['task'].pk}/", {"percent": "50", "narrative": "进展\x00"})
    assert resp.status_code == 400
    assert Report.objects.count() == before


def test_report_form_text_is_bounded(p: Personas, world: dict[str, Any]) -> None:
    before = Report.objects.count()
    c = logged_in(p.reporter_a)
    resp = c.post(
        f"/work/fill/{world['task'].pk}/",
        {"percent": "50", "narrative": "字" * 10_001},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200
    assert "10000" in resp.content.decode()  # the form's max_length message, shown in the row
    assert Report.objects.count() == before


def test_pages_with_huge_numbers_answer_without_a_server_error(p: Personas, world: dict[str, Any]) -> None:
    c = logged_in(p.officer)
    plan = world["plan"]
    resp = c.get("/work/tasks/", {"page": HUGE})
    assert resp.status_code == 200 and "推进重大项目建设" in resp.content.decode()
    for name in ("plan", "unit", "leader", "person", "parent"):
        resp = c.get("/work/tasks/", {name: HUGE})
        assert resp.status_code == 200
        assert resp.context["form"].errors[name]
        assert c.get("/documents/ledger.csv", {name: HUGE}).status_code == 400
    assert c.get(f"/work/plans/{plan.pk}/", {"parent": HUGE}).status_code == 404
    assert c.get(f"/work/tasks/{HUGE}/").status_code == 404
    assert c.get("/work/dashboard/", {"plan": HUGE}).status_code == 404
    assert c.get("/notifications/", {"page": HUGE}).status_code == 200
    assert c.post("/notifications/read/", {"id": HUGE}).status_code == 302
    assert logged_in(p.auditor).get("/audit/", {"page": HUGE}).status_code == 200


def test_pages_with_absurd_dates_answer_without_a_server_error(p: Personas, world: dict[str, Any]) -> None:
    c = logged_in(p.officer)
    plan = world["plan"]
    for day in ("0001-01-01", "9999-12-31"):
        resp = c.get("/work/tasks/", {"due_from": day, "due_to": day})
        assert resp.status_code == 200
        assert resp.context["form"].errors["due_from"] and resp.context["form"].errors["due_to"]
        assert c.get("/documents/ledger.csv", {"due_from": day}).status_code == 400
        resp = c.get(f"/documents/bulletin/{plan.pk}/", {"date": day})
        assert resp.status_code == 400
        assert "1900-01-01" in resp.content.decode()
    assert c.get(f"/documents/bulletin/{plan.pk}/", {"date": "2024-06-30"}).status_code == 200


@pytest.fixture
def _language_restored() -> Any:
    """Requests in English leave English active in this thread; later tests expect Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.usefixtures("_language_restored")
def test_refusals_are_in_the_readers_language(p: Personas, world: dict[str, Any]) -> None:
    c = bearer(p.officer)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert_refused(c.get(API + "/units", {"q": "\x00"}), 400, "The request contains a NUL character")
    assert_refused(c.get(API + "/plans", {"offset": HUGE}), 422, "Invalid request: offset")
    web = logged_in(p.officer)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    resp = web.get(f"/documents/bulletin/{world['plan'].pk}/", {"date": "0001-01-01"})
    assert resp.status_code == 400 and "The date must be between 1900-01-01" in resp.content.decode()


def test_a_nul_in_the_session_cookie_is_400(p: Personas, world: dict[str, Any]) -> None:
    for url in (API + "/units", "/work/tasks/"):
        c = Client()
        c.cookies[settings.SESSION_COOKIE_NAME] = "abcdefghij\x00klm"
        resp = c.get(url)
        assert resp.status_code == 400, url
        assert "NUL" in resp.content.decode()


@pytest.mark.django_db
def test_a_host_django_refuses_is_a_json_400_on_the_api_and_the_400_page_elsewhere(client: Any) -> None:
    """Refused before any view (DisallowedHost): API clients still get JSON, as the schema says."""
    resp = client.get("/api/v1/units", HTTP_HOST="bad host!")
    assert resp.status_code == 400 and resp["Content-Type"].startswith("application/json")
    assert resp.json()["detail"]
    resp = client.get("/login/", HTTP_HOST="bad host!")
    assert resp.status_code == 400 and resp["Content-Type"].startswith("text/html")
