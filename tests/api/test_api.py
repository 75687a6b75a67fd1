"""The JSON API at /api/v1: persona tests for every endpoint, token and session auth, query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from luoshi.audit.models import Entry as AuditEntry
from luoshi.org.models import ApiToken, Role
from luoshi.org.services import token_create
from luoshi.work import rules
from luoshi.work.models import Light, Report, ReportState, Status, Task
from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit, task_confirm_completion
from luoshi.work.services.lights import persist_lights
from tests.factories import Personas, claim_task, make_user
from tests.helpers import client_for, exact_queries, personas

API = "/api/v1"


@pytest.fixture
def world(p: Personas) -> dict[str, Any]:
    """One plan with a task of A (with a child and a co-unit task) and a task of B; a plan only B sees."""
    plan = p.plan(name="2024年度目标任务")
    a = p.task(plan, title="推进重点项目开工", code="1", milestones=[("开工", date(2024, 6, 30))])
    a_child = p.task(plan, title="完成用地审批", code="1.1", parent=a)
    b = p.task(plan, unit=p.unit_b, title="盘活国有资产", code="2")
    co = p.task(plan, unit=p.unit_b, title="联合招商", code="3", co_units=[p.unit_a])
    plan_b = p.plan(name="财政专项")
    only_b = p.task(plan_b, unit=p.unit_b, title="预算绩效评价")
    return {"plan": plan, "a": a, "a_child": a_child, "b": b, "co": co, "plan_b": plan_b, "only_b": only_b}


def as_(p: Personas, who: str, method: str, url: str, data: Any = None) -> Any:
    c = client_for(getattr(p, who))
    if method == "get":
        return c.get(API + url, data or {})
    return getattr(c, method)(API + url, data=data or {}, content_type="application/json")


def ids(resp: Any) -> set[int]:
    return {row["id"] for row in resp.json()["items"]}


# ----------------------------------------------------------------------------------------------
# Schema and docs


@pytest.mark.django_db
def test_openapi_schema_is_public_and_lists_endpoints() -> None:
    resp = Client().get(API + "/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for path in (
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/lights",
        "/api/v1/plans/{plan_id}/rollup",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/reports",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
    ):
        assert path in paths, path
    params = {x["name"] for x in paths["/api/v1/tasks"]["get"]["parameters"]}
    assert {"plan", "unit", "light", "status", "due_from", "due_to", "q", "limit", "offset"} <= params
    assert "date" in {x["name"] for x in paths["/api/v1/plans/{plan_id}/lights"]["get"]["parameters"]}
    schemes = resp.json()["components"]["securitySchemes"]
    assert {"TokenAuth", "SessionAuth"} <= set(schemes)


@pytest.mark.django_db
def test_openapi_groups_operations_per_app_with_stable_ids() -> None:
    """A router per app: every operation carries its app's tag (org, work or documents), and the
    operation ids keep the names they had when one module held every endpoint, one id per operation."""
    paths = Client().get(API + "/openapi.json").json()["paths"]
    ops = {(method, path): op for path, item in paths.items() for method, op in item.items()}
    tags = {key: op["tags"] for key, op in ops.items()}
    assert set(map(tuple, tags.values())) == {
        ("org",),
        ("work",),
        ("documents",),
        ("projects",),
        ("rectification",),
        ("meetings",),
        ("supervision",),
        ("ratings",),
        ("assessment",),
        ("benchmark",),
        ("alerts",),
        ("commitments",),
        ("portal",),
        ("appeals",),
        ("enterprises",),
        ("learning",),
        ("web",),
    }
    alerts = {path for (_, path), t in tags.items() if t == ["alerts"]}
    assert alerts == {
        "/api/v1/alerts/warnings",
        "/api/v1/alerts/warnings/{warning_id}",
        "/api/v1/alerts/trend",
        "/api/v1/alerts/flags",
        "/api/v1/alerts/flags/{flag_id}/decision",
        "/api/v1/alerts/timeliness",
    }
    projects = {path for (_, path), t in tags.items() if t == ["projects"]}
    assert projects == {
        "/api/v1/projects",
        "/api/v1/projects/board",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/stages",
        "/api/v1/projects/{project_id}/stage-plan",
        "/api/v1/projects/{project_id}/owners",
        "/api/v1/projects/problems/tasks",
    }
    org = {path for (_, path), t in tags.items() if t == ["org"]}
    assert org == {"/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/tokens", "/api/v1/tokens/{token_id}"}
    documents = {path for (_, path), t in tags.items() if t == ["documents"]}
    assert documents == {"/api/v1/bulletins", "/api/v1/bulletins/{bulletin_id}"}
    meetings = {path for (_, path), t in tags.items() if t == ["meetings"]}
    assert meetings == {
        "/api/v1/meeting-series",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/meetings/{meeting_id}/agenda",
        "/api/v1/meetings/{meeting_id}/checkin",
        "/api/v1/meetings/{meeting_id}/decisions/tasks",
    }
    assert tags[("get", "/api/v1/plans/{plan_id}/rollup")] == ["work"]
    assert tags[("post", "/api/v1/claims/{claim_id}/confirm")] == ["work"]
    op_ids = [op["operationId"] for op in ops.values()]
    assert len(set(op_ids)) == len(op_ids)
    assert all(op_id.startswith("luoshi_api_api_") for op_id in op_ids)
    assert ops[("post", "/api/v1/tasks")]["operationId"] == "luoshi_api_api_task_add"
    assert ops[("delete", "/api/v1/tokens/{token_id}")]["operationId"] == "luoshi_api_api_token_remove"


@pytest.mark.django_db
def test_docs_page_is_offline_and_uses_vendored_swagger() -> None:
    resp = Client().get(API + "/docs")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "/api/v1/openapi.json" in html
    # No script, stylesheet or anything else from another host.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "http://" not in html and "https://" not in html


@pytest.mark.django_db
def test_docs_assets_are_served_by_staticfiles() -> None:
    from django.contrib.staticfiles import finders

    for asset in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "api/swagger-init.js",
    ):
        assert finders.find(asset), asset
    init = open(finders.find("api/swagger-init.js"), encoding="utf-8").read()  # type: ignore[arg-type]
    assert "http" not in init


# ----------------------------------------------------------------------------------------------
# Authentication


@pytest.mark.django_db
def test_anonymous_gets_401_everywhere(p: Personas, world: dict[str, Any]) -> None:
    a, plan = world["a"], world["plan"]
    c = Client()
    for method, url in [
        ("get", "/units"),
        ("get", f"/units/{p.unit_a.pk}"),
        ("get", "/plans"),
        ("get", f"/plans/{plan.pk}"),
        ("get", f"/plans/{plan.pk}/lights"),
        ("get", f"/plans/{plan.pk}/rollup"),
        ("get", "/tasks"),
        ("get", f"/tasks/{a.pk}"),
        ("post", "/tasks"),
        ("patch", f"/tasks/{a.pk}"),
        ("get", f"/tasks/{a.pk}/reports"),
        ("post", f"/tasks/{a.pk}/reports"),
        ("get", "/tokens"),
        ("post", "/tokens"),
        ("delete", "/tokens/1"),
    ]:
        resp = getattr(c, method)(API + url, content_type="application/json")
        assert resp.status_code == 401, (method, url, resp.status_code)


@pytest.mark.django_db
def test_bearer_token_authenticates_and_revoked_token_is_refused(p: Personas, world: dict[str, Any]) -> None:
    token, raw = token_create(actor=p.reporter_a, user=p.reporter_a, name="脚本")
    c = Client()
    resp = c.get(API + "/tasks", headers={"authorization": f"Bearer {raw}"})
    assert resp.status_code == 200
    assert ids(resp) == {world["a"].pk, world["a_child"].pk, world["co"].pk}
    # Only the digest is stored.
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest != raw and raw not in (stored.digest, stored.prefix, stored.name)
    assert c.get(API + "/tasks", headers={"authorization": "Bearer ls_wrong"}).status_code == 401
    assert c.get(API + "/tasks", headers={"authorization": f"Token {raw}"}).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(revoked=timezone.now())
    assert c.get(API + "/tasks", headers={"authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.django_db
def test_token_client_needs_no_csrf_but_session_client_does(p: Personas, world: dict[str, Any]) -> None:
    a = world["a"]
    body = {"percent": "40", "narrative": "推进中"}
    _, raw = token_create(actor=p.head_a, user=p.head_a, name="脚本")
    token_client = Client(enforce_csrf_checks=True)
    resp = token_client.post(
        f"{API}/tasks/{a.pk}/reports",
        data=body,
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}"},
    )
    assert resp.status_code == 201, resp.content

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(p.head_a)
    resp = browser.post(f"{API}/tasks/{a.pk}/reports", data=body, content_type="application/json")
    assert resp.status_code == 403
    assert "CSRF" in resp.json()["detail"]
    # Safe methods need no token.
    assert browser.get(f"{API}/tasks/{a.pk}").status_code == 200
    # With the token from the cookie, the same request passes.
    browser.get(API + "/docs")
    csrf = browser.cookies["csrftoken"].value
    resp = browser.post(
        f"{API}/tasks/{a.pk}/reports",
        data=body,
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )
    assert resp.status_code == 201, resp.content


# ----------------------------------------------------------------------------------------------
# Units


@pytest.mark.django_db
@pytest.mark.parametrize("who", personas(but=["auditor", "anonymous"]))
def test_units_visible_to_every_signed_in_user(p: Personas, who: str) -> None:
    resp = as_(p, who, "get", "/units")
    assert resp.status_code == 200
    assert resp.json()["count"] >= 4
    assert as_(p, who, "get", f"/units/{p.unit_a.pk}").json()["name"] == "区发展和改革局"


@pytest.mark.django_db
def test_units_filter_and_pinyin_search(p: Personas) -> None:
    def names(**q: Any) -> set[str]:
        resp = as_(p, "reporter_a", "get", "/units", q)
        assert resp.status_code == 200
        return {u["name"] for u in resp.json()["items"]}

    assert names(q="fgj") == {"区发展和改革局"}
    assert names(q="fagai") == {"区发展和改革局"}
    assert names(q="财政") == {"区财政局"}
    assert names(q="CZJ") == {"区财政局"}  # code
    assert "区财政局" in names(parent=p.district.pk)
    assert p.district.name not in names(parent=p.district.pk)
    assert names(category="district") == {"示范区"}
    assert names(category="department", q="ju") == {"区发展和改革局", "区财政局"}
    assert as_(p, "reporter_a", "get", "/units/999999").status_code == 404


@pytest.mark.django_db
def test_units_pagination(p: Personas) -> None:
    all_rows = as_(p, "officer", "get", "/units", {"limit": 500}).json()
    first = as_(p, "officer", "get", "/units", {"limit": 2}).json()
    second = as_(p, "officer", "get", "/units", {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == all_rows["count"] == len(all_rows["items"])
    assert [u["id"] for u in first["items"] + second["items"]] == [u["id"] for u in all_rows["items"][:4]]
    assert as_(p, "officer", "get", "/units", {"limit": 0}).status_code == 422
    assert as_(p, "officer", "get", "/units", {"limit": 501}).status_code == 422


# ----------------------------------------------------------------------------------------------
# Plans


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,sees_plan_b",
    [("reporter_a", False), ("head_a", False), ("reporter_b", True), ("leader", False), ("officer", True)],
)
def test_plans_follow_task_visibility(
    p: Personas, world: dict[str, Any], who: str, sees_plan_b: bool
) -> None:
    plan, plan_b = world["plan"], world["plan_b"]
    resp = as_(p, who, "get", "/plans")
    assert resp.status_code == 200
    assert plan.pk in ids(resp)
    assert (plan_b.pk in ids(resp)) is sees_plan_b
    assert as_(p, who, "get", f"/plans/{plan.pk}").status_code == 200
    detail = as_(p, who, "get", f"/plans/{plan_b.pk}")
    assert detail.status_code == (200 if sees_plan_b else 404)
    if sees_plan_b:
        assert detail.json()["green_max"] == 5.0  # numbers, not strings


# ----------------------------------------------------------------------------------------------
# Tasks: list and detail


@pytest.mark.django_db
def test_task_list_per_persona(p: Personas, world: dict[str, Any]) -> None:
    w = world
    expected = {
        "reporter_a": {w["a"].pk, w["a_child"].pk, w["co"].pk},
        "head_a": {w["a"].pk, w["a_child"].pk, w["co"].pk},
        "reporter_b": {w["b"].pk, w["co"].pk, w["only_b"].pk},
        "leader": {w["a"].pk, w["a_child"].pk, w["co"].pk},
        "officer": {w[k].pk for k in ("a", "a_child", "b", "co", "only_b")},
    }
    for who, want in expected.items():
        resp = as_(p, who, "get", "/tasks", {"limit": 100})
        assert resp.status_code == 200
        assert ids(resp) == want, who
        assert resp.json()["count"] == len(want)


@pytest.mark.django_db
def test_task_list_filters_sort_and_page(p: Personas, world: dict[str, Any]) -> None:
    w = world
    Task.objects.filter(pk=w["a"].pk).update(light=Light.RED, actual_pct=Decimal("10.50"))
    Task.objects.filter(pk=w["b"].pk).update(light=Light.YELLOW)

    def get(**q: Any) -> Any:
        resp = as_(p, "officer", "get", "/tasks", q)
        assert resp.status_code == 200, resp.content
        return resp

    assert ids(get(plan=w["plan"].pk)) == {w["a"].pk, w["a_child"].pk, w["b"].pk, w["co"].pk}
    assert ids(get(light=["red", "yellow"])) == {w["a"].pk, w["b"].pk}
    assert ids(get(light="red", plan=w["plan_b"].pk)) == set()
    assert ids(get(unit=p.unit_a.pk, plan=w["plan"].pk)) == {w["a"].pk, w["a_child"].pk, w["co"].pk}
    assert ids(get(q="fgj", parent=w["a"].pk)) == {w["a_child"].pk}
    assert ids(get(status="closed")) == set()
    row = next(r for r in get(plan=w["plan"].pk).json()["items"] if r["id"] == w["a"].pk)
    assert row["actual_pct"] == 10.5 and row["light"] == "red"
    assert row["lead_unit"]["short_name"] == "发改局"
    first = get(plan=w["plan"].pk, sort="title", limit=2).json()
    rest = get(plan=w["plan"].pk, sort="title", limit=2, offset=2).json()
    titles = [r["title"] for r in first["items"] + rest["items"]]
    assert first["count"] == 4 and titles == sorted(titles)


@pytest.mark.django_db
def test_task_list_refuses_bad_filters_with_400(p: Personas, world: dict[str, Any]) -> None:
    resp = as_(p, "officer", "get", "/tasks", {"due_from": "2024-13-45", "light": "purple"})
    assert resp.status_code == 400
    assert set(resp.json()["errors"]) == {"due_from", "light"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [("reporter_a", 200), ("head_a", 200), ("reporter_b", 404), ("leader", 200), ("officer", 200)],
)
def test_task_detail_per_persona(p: Personas, world: dict[str, Any], who: str, status: int) -> None:
    resp = as_(p, who, "get", f"/tasks/{world['a'].pk}")
    assert resp.status_code == status
    if status == 200:
        body = resp.json()
        assert body["title"] == "推进重点项目开工"
        assert [m["title"] for m in body["milestones"]] == ["开工"]
        assert body["children_lights"] == {world["a_child"].light: 1}
    co = as_(p, who, "get", f"/tasks/{world['co'].pk}")
    assert co.status_code == 200  # every persona but the anonymous sees the co-unit task
    assert [u["id"] for u in co.json()["co_units"]] == [p.unit_a.pk]


@pytest.mark.django_db
def test_task_detail_counts_children_per_light(p: Personas, world: dict[str, Any]) -> None:
    plan, a = world["plan"], world["a"]
    extra = [p.task(plan, title=f"子任务{i}", parent=a) for i in range(3)]
    Task.objects.filter(pk__in=[extra[0].pk, extra[1].pk]).update(light=Light.RED)
    Task.objects.filter(pk__in=[extra[2].pk, world["a_child"].pk]).update(light=Light.GREEN)
    body = as_(p, "head_a", "get", f"/tasks/{a.pk}").json()
    assert body["children_lights"] == {"red": 2, "green": 2}


# ----------------------------------------------------------------------------------------------
# Tasks: create and update


def _new_task(p: Personas, world: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan": world["plan"].pk,
        "title": "新建产业园区",
        "lead_unit": p.unit_a.pk,
        "start": "2024-03-01",
        "due": "2024-10-31",
        "co_units": [p.unit_b.pk],
        "responsible_leader": p.leader.person.pk,
        "milestones": [{"title": "完成规划", "due": "2024-05-31"}],
        "code": "9",
        "weight": "2.5",
        "metric_name": "投资额",
        "metric_unit": "亿元",
        "baseline": 0,
        "target": 12,
        "monthly_plan": {"2024-06": 3, "2024-09": "8.5"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [("reporter_a", 403), ("head_a", 403), ("reporter_b", 403), ("leader", 403), ("officer", 201)],
)
def test_task_create_is_for_officers(p: Personas, world: dict[str, Any], who: str, status: int) -> None:
    before = Task.objects.count()
    resp = as_(p, who, "post", "/tasks", _new_task(p, world))
    assert resp.status_code == status, resp.content
    if status != 201:
        assert Task.objects.count() == before
        assert resp.json()["detail"]
        return
    body = resp.json()
    task = Task.objects.get(pk=body["id"])
    assert task.title == "新建产业园区" and task.weight == Decimal("2.5") and task.target == Decimal(12)
    assert task.monthly_plan == {"2024-06": "3", "2024-09": "8.5"}
    assert [u["id"] for u in body["co_units"]] == [p.unit_b.pk]
    assert body["responsible_leader"] == {"id": p.leader.person.pk, "name": "王区长"}
    assert body["weight"] == 2.5 and body["target"] == 12.0
    assert [m["title"] for m in body["milestones"]] == ["完成规划"]
    assert AuditEntry.objects.filter(action="work.task.created", object_id=str(task.pk)).exists()


@pytest.mark.django_db
def test_a_task_created_through_the_api_is_late_only_after_it_was_assigned(
    p: Personas, world: dict[str, Any]
) -> None:
    """Assigned today by default (下达日期), or on the day the office gives; never late before it."""
    from django.utils import timezone

    body = as_(p, "officer", "post", "/tasks", _new_task(p, world)).json()
    assert Task.objects.get(pk=body["id"]).assigned_on == timezone.localdate()
    given = _new_task(p, world) | {"title": "补录的任务", "code": "9.9", "assigned_on": "2024-05-06"}
    body = as_(p, "officer", "post", "/tasks", given).json()
    task = Task.objects.get(pk=body["id"])
    assert task.assigned_on == date(2024, 5, 6)
    # Lateness is counted from the later of start and assignment.
    assert rules.reports_from(task.start, task.assigned_on) == date(2024, 5, 6)


@pytest.mark.django_db
def test_task_create_errors(p: Personas, world: dict[str, Any]) -> None:
    data = _new_task(p, world)
    resp = as_(p, "officer", "post", "/tasks", data | {"due": "2024-01-01"})
    assert resp.status_code == 400
    assert resp.json()["detail"] == "完成时限不能早于开始日期。"
    resp = as_(p, "officer", "post", "/tasks", data | {"code": "1"})
    assert resp.status_code == 400 and "已存在" in resp.json()["detail"]
    resp = as_(p, "officer", "post", "/tasks", data | {"lead_unit": 999999})
    assert resp.status_code == 400 and "999999" in resp.json()["detail"]
    resp = as_(p, "officer", "post", "/tasks", data | {"co_units": [p.unit_b.pk, 999998]})
    assert resp.status_code == 400 and "999998" in resp.json()["detail"]
    assert as_(p, "officer", "post", "/tasks", data | {"source": "rumour"}).status_code == 422
    assert as_(p, "officer", "post", "/tasks", data | {"monthly_plan": {"June": 3}}).status_code == 422
    assert as_(p, "officer", "post", "/tasks", data | {"weight": "-1"}).status_code == 422
    assert not Task.objects.filter(title="新建产业园区").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [("reporter_a", 403), ("head_a", 403), ("reporter_b", 404), ("leader", 403), ("officer", 200)],
)
def test_task_patch_per_persona(p: Personas, world: dict[str, Any], who: str, status: int) -> None:
    a = world["a"]
    resp = as_(p, who, "patch", f"/tasks/{a.pk}", {"version": a.version, "title": "改名"})
    assert resp.status_code == status, resp.content
    a.refresh_from_db()
    assert (a.title == "改名") is (status == 200)


@pytest.mark.django_db
def test_task_patch_changes_only_sent_fields_and_detects_conflicts(
    p: Personas, world: dict[str, Any]
) -> None:
    a = world["a"]
    v = Task.objects.get(pk=a.pk).version
    resp = as_(
        p,
        "officer",
        "patch",
        f"/tasks/{a.pk}",
        {
            "version": v,
            "due": "2024-11-30",
            "co_units": [p.unit_b.pk],
            "responsible_person": p.head_a.person.pk,
        },
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["due"] == "2024-11-30" and body["version"] == v + 1
    assert body["title"] == "推进重点项目开工" and body["code"] == "1"
    assert [u["id"] for u in body["co_units"]] == [p.unit_b.pk]
    assert body["responsible_person"]["id"] == p.head_a.person.pk
    # Somebody else saved in between: the stale version is a 409 with the service's message.
    stale = as_(p, "officer2", "patch", f"/tasks/{a.pk}", {"version": v, "title": "覆盖"})
    assert stale.status_code == 409
    assert "刷新" in stale.json()["detail"]
    assert Task.objects.get(pk=a.pk).title == "推进重点项目开工"
    bad = as_(p, "officer", "patch", f"/tasks/{a.pk}", {"version": v + 1, "due": "2023-01-01"})
    assert bad.status_code == 400
    assert as_(p, "officer", "patch", f"/tasks/{a.pk}", {"title": "无版本"}).status_code == 422
    no_title = as_(p, "officer", "patch", f"/tasks/{a.pk}", {"version": v + 1, "title": None})
    assert no_title.status_code == 400 and no_title.json()["detail"] == "任务 不能为空。"
    no_unit = as_(p, "officer", "patch", f"/tasks/{a.pk}", {"version": v + 1, "lead_unit": None})
    assert no_unit.status_code == 400 and no_unit.json()["detail"] == "牵头单位 不能为空。"
    assert Task.objects.get(pk=a.pk).version == v + 1
    assert as_(p, "officer", "patch", "/tasks/999999", {"version": 1}).status_code == 404


# ----------------------------------------------------------------------------------------------
# Reports


@pytest.mark.django_db
def test_report_list_per_persona(p: Personas, world: dict[str, Any]) -> None:
    a = world["a"]
    approved = report_submit(actor=p.head_a, task=a, percent=30, narrative="过三成")
    pending = report_submit(actor=p.reporter_a, task=a, percent=35, narrative="待审核")
    assert pending.state == ReportState.PENDING
    for who, want in {
        "reporter_a": {approved.pk, pending.pk},
        "head_a": {approved.pk, pending.pk},
        "leader": {approved.pk},
        "officer": {approved.pk},
    }.items():
        resp = as_(p, who, "get", f"/tasks/{a.pk}/reports")
        assert resp.status_code == 200
        assert ids(resp) == want, who
    assert as_(p, "reporter_b", "get", f"/tasks/{a.pk}/reports").status_code == 404
    row = as_(p, "officer", "get", f"/tasks/{a.pk}/reports").json()["items"][0]
    assert row["percent"] == 30.0 and row["narrative"] == "过三成" and row["evidence"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [("reporter_a", 201), ("head_a", 201), ("reporter_b", 404), ("leader", 403), ("officer", 403)],
)
def test_report_submit_per_persona(p: Personas, world: dict[str, Any], who: str, status: int) -> None:
    a = world["a"]
    body = {"percent": 45.5, "narrative": "完成征地", "problems": "资金缺口", "next_steps": "争取专项债"}
    resp = as_(p, who, "post", f"/tasks/{a.pk}/reports", body)
    assert resp.status_code == status, resp.content
    count = Report.objects.filter(task=a).count()
    if status == 201:
        out = resp.json()
        assert out["percent"] == 45.5 and out["problems"] == "资金缺口" and count == 1
        assert out["state"] == (ReportState.SUBMITTED if who == "head_a" else ReportState.PENDING)
    else:
        assert count == 0


@pytest.mark.django_db
def test_report_submit_answers_the_report_as_stored(p: Personas, world: dict[str, Any]) -> None:
    """The answer is the saved report without reading it back: its figures rounded as their columns
    keep them, so it equals what a read of the report gives; a task nobody may see, or one that does
    not exist, is a 404 as a read would be."""
    a = world["a"]
    resp = as_(p, "head_a", "post", f"/tasks/{a.pk}/reports", {"percent": "33.33", "narrative": "三分之一"})
    assert resp.status_code == 201, resp.content
    out = resp.json()
    listed = as_(p, "head_a", "get", f"/tasks/{a.pk}/reports").json()["items"][0]
    assert out == listed and out["percent"] == 33.33 and out["evidence"] == []
    # A figure the service works out itself (a measure's percent) is rounded as its column keeps it.
    task = p.task(
        world["plan"],
        title="新增就业",
        metric_name="新增就业",
        metric_unit="人",
        baseline=Decimal(0),
        target=Decimal(3),
    )
    report = report_submit(actor=p.head_a, task=task, value=1)
    assert report.percent == Decimal("33.33") == Report.objects.get(pk=report.pk).percent
    missing = as_(p, "head_a", "post", "/tasks/987654/reports", {"percent": 5})
    assert missing.status_code == 404
    hidden = as_(p, "reporter_b", "post", f"/tasks/{a.pk}/reports", {"percent": 5})
    assert hidden.status_code == 404 and Report.objects.filter(task=a).count() == 1


@pytest.mark.django_db
def test_report_submit_on_co_unit_task_and_corrections(p: Personas, world: dict[str, Any]) -> None:
    co = world["co"]
    first = as_(p, "head_a", "post", f"/tasks/{co.pk}/reports", {"percent": 20})
    assert first.status_code == 201
    assert first.json()["unit_id"] == p.unit_a.pk
    fixed = as_(
        p, "head_a", "post", f"/tasks/{co.pk}/reports", {"percent": 25, "corrects": first.json()["id"]}
    )
    assert fixed.status_code == 201, fixed.content
    assert fixed.json()["corrects_id"] == first.json()["id"]
    again = as_(
        p, "head_a", "post", f"/tasks/{co.pk}/reports", {"percent": 26, "corrects": first.json()["id"]}
    )
    assert again.status_code == 400 and "更正" in again.json()["detail"]
    # A report of another task cannot be "corrected" here.
    other = report_submit(actor=p.head_a, task=world["a"], percent=5)
    resp = as_(p, "head_a", "post", f"/tasks/{co.pk}/reports", {"percent": 5, "corrects": other.pk})
    assert resp.status_code == 400


@pytest.mark.django_db
def test_report_submit_errors_carry_the_service_message(p: Personas, world: dict[str, Any]) -> None:
    a = world["a"]
    resp = as_(p, "head_a", "post", f"/tasks/{a.pk}/reports", {"narrative": "忘了进度"})
    assert resp.status_code == 400 and resp.json()["detail"] == "请填写完成进度（0–100）。"
    resp = as_(p, "head_a", "post", f"/tasks/{a.pk}/reports", {"percent": 130})
    assert resp.status_code == 400 and "0 到 100" in resp.json()["detail"]
    resp = as_(p, "head_a", "post", f"/tasks/{a.pk}/reports", {"no_change": True})
    assert resp.status_code == 400 and "上期" in resp.json()["detail"]
    # A closed task refuses reports with a clear message.
    b = world["b"]
    make_user("head_b", unit=p.unit_b, role=Role.HEAD, name="乙局长")  # lets unit B's claim go up
    claim_task(actor=p.reporter_b, task=b)
    task_confirm_completion(actor=p.officer, task=Task.objects.get(pk=b.pk))
    assert Task.objects.get(pk=b.pk).status == Status.CLOSED
    resp = as_(p, "reporter_b", "post", f"/tasks/{b.pk}/reports", {"percent": 100})
    assert resp.status_code == 400 and "已销号" in resp.json()["detail"]
    assert not Report.objects.filter(task=b).exists()


# ----------------------------------------------------------------------------------------------
# Lights and rollup


@pytest.mark.django_db
def test_lights_per_persona_match_the_engine(p: Personas, world: dict[str, Any]) -> None:
    plan, a = world["plan"], world["a"]
    on = date(2024, 7, 15)
    report_submit(actor=p.head_a, task=world["a_child"], percent=20, on=date(2024, 7, 1))
    engine = {r.id: r for r in compute_lights(plan_id=plan.pk, on=on)}
    for who, want in {
        "reporter_a": {a.pk, world["a_child"].pk, world["co"].pk},
        "reporter_b": {world["b"].pk, world["co"].pk},
        "leader": {a.pk, world["a_child"].pk, world["co"].pk},
        "officer": {a.pk, world["a_child"].pk, world["b"].pk, world["co"].pk},
    }.items():
        resp = as_(p, who, "get", f"/plans/{plan.pk}/lights", {"date": "2024-07-15"})
        assert resp.status_code == 200
        body = resp.json()
        assert body["date"] == "2024-07-15"
        assert ids(resp) == want, who
        for row in body["items"]:
            assert row["light"] == engine[row["id"]].light
            assert row["actual"] == float(engine[row["id"]].actual)
        assert sum(body["counts"].values()) == len(want)
    child = next(
        r
        for r in as_(p, "head_a", "get", f"/plans/{plan.pk}/lights", {"date": "2024-07-15"}).json()["items"]
        if r["id"] == world["a_child"].pk
    )
    assert child["actual"] == 20.0 and child["light"] == "red"  # 20% done at 54% of the year
    assert as_(p, "reporter_a", "get", f"/plans/{world['plan_b'].pk}/lights").status_code == 404
    assert as_(p, "officer", "get", f"/plans/{plan.pk}/lights", {"date": "someday"}).status_code == 422


@pytest.mark.django_db
def test_rollup_per_unit_and_depth(p: Personas, world: dict[str, Any]) -> None:
    plan = world["plan"]
    Task.objects.filter(pk=world["a"].pk).update(
        light=Light.GREEN, actual_pct=Decimal(60), expected_pct=Decimal(50), weight=Decimal(3)
    )
    Task.objects.filter(pk=world["a_child"].pk).update(
        light=Light.RED, actual_pct=Decimal(20), expected_pct=Decimal(40), weight=Decimal(1)
    )
    Task.objects.filter(pk=world["b"].pk).update(
        light=Light.YELLOW, actual_pct=Decimal(30), expected_pct=Decimal(40)
    )
    Task.objects.filter(pk=world["co"].pk).update(
        light=Light.DONE, actual_pct=Decimal(100), expected_pct=Decimal(100)
    )

    resp = as_(p, "officer", "get", f"/plans/{plan.pk}/rollup")
    assert resp.status_code == 200
    body = resp.json()
    # Totals and units count work items (统计口径): the parent `a` is counted through its child.
    assert body["counted"] == "leaf"
    assert body["total"] == 3
    assert body["counts"] == {"not_started": 0, "green": 0, "yellow": 1, "red": 1, "overdue": 0, "done": 1}
    units = {u["unit_id"]: u for u in body["units"]}
    ua = units[p.unit_a.pk]
    assert ua["total"] == 1 and ua["counts"]["green"] == 0 and ua["counts"]["red"] == 1
    assert ua["weight"] == 1.0
    assert ua["actual"] == 20.0
    assert ua["expected"] == 40.0
    ub = units[p.unit_b.pk]
    assert ub["total"] == 2 and ub["actual"] == 65.0 and ub["counts"]["done"] == 1
    depths = {d["depth"]: d for d in body["depths"]}
    assert depths[0]["total"] == 3 and depths[1]["total"] == 1 and depths[1]["counts"]["red"] == 1
    only_top = as_(p, "officer", "get", f"/plans/{plan.pk}/rollup", {"depth": 0}).json()
    assert only_top["counted"] == "depth" and only_top["total"] == 3
    assert {u["unit_id"]: u["weight"] for u in only_top["units"]}[p.unit_a.pk] == 3.0
    assert {u["unit_id"]: u["actual"] for u in only_top["units"]}[p.unit_a.pk] == 60.0

    # reporter B sees B's own task and the co-unit task, both led by B.
    mine = as_(p, "reporter_b", "get", f"/plans/{plan.pk}/rollup").json()
    assert mine["total"] == 2 and [u["unit_id"] for u in mine["units"]] == [p.unit_b.pk]
    leader = as_(p, "leader", "get", f"/plans/{plan.pk}/rollup").json()
    assert leader["total"] == 2  # a_child and the co-unit task (a counts through its child)
    assert as_(p, "reporter_a", "get", f"/plans/{world['plan_b'].pk}/rollup").status_code == 404


@pytest.mark.django_db
def test_period_rollup_counts_reported_late_and_mean_per_unit(p: Personas, world: dict[str, Any]) -> None:
    from luoshi.work.models import LateReport

    plan = world["plan"]
    may = date(2024, 5, 31)
    # Unit A: the parent task reported 40% and its child 60% for May; unit B: nothing, one late.
    report_submit(actor=p.head_a, task=world["a"], percent=40, on=date(2024, 5, 20))
    report_submit(actor=p.head_a, task=world["a_child"], percent=60, on=date(2024, 5, 25))
    report_submit(actor=p.head_a, task=world["a"], percent=50, on=date(2024, 6, 20))  # June: not counted
    # A second filing for May on the same task counts the task once and its percent in the mean.
    report_submit(actor=p.head_a, task=world["a_child"], percent=80, on=date(2024, 5, 28))
    report_submit(
        actor=p.reporter_b, task=world["b"], percent=10, on=date(2024, 5, 20)
    )  # pending: not counted
    LateReport.objects.create(
        task=world["b"], unit=p.unit_b, period_end=may, due_on=date(2024, 6, 3), detected_on=date(2024, 6, 4)
    )
    with exact_queries("api.plan_period[officer]") as q:
        body = as_(p, "officer", "get", f"/plans/{plan.pk}/periods/2024-05-31").json()
    assert body["period_end"] == "2024-05-31"
    units = {u["unit_id"]: u for u in body["units"]}
    assert units[p.unit_a.pk] | {"unit_name": ""} == {
        "unit_id": p.unit_a.pk,
        "unit_name": "",
        "tasks": 2,
        "reported": 2,
        "late": 0,
        "filed_late": 0,
        "approved_late": 0,
        "mean_percent": 60.0,  # (40 + 60 + 80) / 3
    }
    assert (units[p.unit_b.pk]["tasks"], units[p.unit_b.pk]["reported"], units[p.unit_b.pk]["late"]) == (
        2,
        0,
        1,
    )
    assert units[p.unit_b.pk]["mean_percent"] is None
    assert (body["tasks"], body["reported"], body["late"]) == (4, 2, 1)
    assert (body["filed_late"], body["approved_late"]) == (1, 0)  # a mark's cause is filing by default
    period_queries = [sql for sql in q.queries if "work_report" in sql]
    assert len(period_queries) == 1  # set-based: one grouped query, whatever the plan's size
    # Visibility as everywhere: reporter B sees only B's tasks; plan B is hidden from reporter A.
    mine = as_(p, "reporter_b", "get", f"/plans/{plan.pk}/periods/2024-05-31").json()
    assert [u["unit_id"] for u in mine["units"]] == [p.unit_b.pk]
    assert as_(p, "reporter_a", "get", f"/plans/{world['plan_b'].pk}/periods/2024-05-31").status_code == 404
    assert as_(p, "officer", "get", f"/plans/{plan.pk}/periods/2024-13-01").status_code in (400, 422)


@pytest.mark.django_db
def test_rollup_leaves_out_draft_and_cancelled(p: Personas, world: dict[str, Any]) -> None:
    plan = world["plan"]
    Task.objects.filter(pk=world["b"].pk).update(status=Status.CANCELLED)
    body = as_(p, "officer", "get", f"/plans/{plan.pk}/rollup").json()
    assert body["total"] == 2  # a_child and co; `a` counts through its child, b is cancelled
    # A parent whose only child is cancelled is itself the work item.
    Task.objects.filter(pk=world["a_child"].pk).update(status=Status.CANCELLED)
    body = as_(p, "officer", "get", f"/plans/{plan.pk}/rollup").json()
    assert body["total"] == 2  # a and co


# ----------------------------------------------------------------------------------------------
# Tokens


@pytest.mark.django_db
@pytest.mark.parametrize("who", personas(but=["auditor", "anonymous"]))
def test_tokens_create_list_revoke_own(p: Personas, who: str) -> None:
    resp = as_(p, who, "post", "/tokens", {"name": "同步脚本"})
    assert resp.status_code == 201
    body = resp.json()
    raw = body["token"]
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == getattr(p, who) and token.digest == ApiToken.hash(raw)
    listed = as_(p, who, "get", "/tokens").json()
    assert [t["id"] for t in listed] == [token.pk] and "token" not in listed[0]
    c = Client()
    auth = {"authorization": f"Bearer {raw}"}
    assert c.get(API + "/units", headers=auth).status_code == 200
    assert c.delete(f"{API}/tokens/{token.pk}", headers=auth).status_code == 204
    assert ApiToken.objects.get(pk=token.pk).revoked is not None
    assert c.get(API + "/units", headers=auth).status_code == 401
    assert AuditEntry.objects.filter(action="org.token.revoked", object_id=str(token.pk)).exists()


@pytest.mark.django_db
def test_token_of_someone_else_cannot_be_revoked(p: Personas) -> None:
    token, raw = token_create(actor=p.reporter_b, user=p.reporter_b, name="乙的令牌")
    assert as_(p, "reporter_a", "delete", f"/tokens/{token.pk}").status_code == 404
    assert as_(p, "officer", "delete", f"/tokens/{token.pk}").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked is None
    assert as_(p, "reporter_a", "post", "/tokens", {"name": ""}).status_code == 422


# ----------------------------------------------------------------------------------------------
# Query counts: lists cost the same for 3 rows as for 30


def _grow(p: Personas, world: dict[str, Any], n: int) -> None:
    plan, a = world["plan"], world["a"]
    for i in range(n):
        t = p.task(
            plan,
            title=f"批量任务{i}",
            parent=a if i % 2 else None,
            co_units=[p.unit_b],
            responsible_leader=p.leader.person,
            responsible_person=p.head_a.person,
            milestones=[("节点", date(2024, 6, 1))],
        )
        report_submit(actor=p.head_a, task=t, percent=10 + i)
        token_create(actor=p.head_a, user=p.head_a, name=f"令牌{i}")
        report_submit(actor=p.head_a, task=a, percent=i, acknowledge_warnings=True)


def _count(name: str, client: Client, url: str, data: Any = None) -> int:
    """GET an API url (200 expected) and check its query count against the baseline `name`
    (uncached: the roll-up's cached answer would not count its queries)."""
    cache.clear()
    with exact_queries(name) as counted:
        resp = client.get(API + url, data or {})
    assert resp.status_code == 200, resp.content
    return counted.count


LIST_URLS = [
    ("/units", {"limit": 500}),
    ("/plans", None),
    ("/tasks", {"limit": 500}),
    ("/tasks", {"limit": 500, "q": "rw", "light": ["green", "not_started"], "unit": "{unit_a}"}),
    ("/tasks/{a}/reports", {"limit": 500}),
    ("/tasks/{a}", None),
    ("/plans/{plan}/lights", {"date": "2024-07-01"}),
    ("/plans/{plan}/rollup", None),
    ("/tokens", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["head_a", "officer"])
def test_list_endpoints_have_constant_query_counts(p: Personas, world: dict[str, Any], who: str) -> None:
    c = client_for(getattr(p, who))
    fmt = {"a": world["a"].pk, "plan": world["plan"].pk, "unit_a": p.unit_a.pk}

    def resolve(url: str, data: Any) -> tuple[str, Any]:
        data = {k: (v.format(**fmt) if isinstance(v, str) else v) for k, v in (data or {}).items()}
        return url.format(**fmt), data

    def name(i: int, url: str, rows: int) -> str:
        return f"api.lists[{who} {i}:{url}]@{rows}"

    _grow(p, world, 3)
    small = [_count(name(i, url, 3), c, *resolve(url, data)) for i, (url, data) in enumerate(LIST_URLS)]
    _grow(p, world, 27)
    for i, ((url, data), n) in enumerate(zip(LIST_URLS, small, strict=True)):
        assert _count(name(i, url, 30), c, *resolve(url, data)) <= n, url
        assert n <= 16, (url, n)
    # The lists really grew.
    assert as_(p, who, "get", "/tasks", {"limit": 500}).json()["count"] >= 30
    assert as_(p, who, "get", f"/tasks/{world['a'].pk}/reports", {"limit": 500}).json()["count"] == 30


@pytest.mark.django_db
def test_token_auth_costs_one_query(p: Personas, world: dict[str, Any]) -> None:
    _, raw = token_create(actor=p.officer, user=p.officer, name="t")
    c = Client(headers={"authorization": f"Bearer {raw}"})
    session = client_for(p.officer)
    assert _count("api.plans[token]", c, "/plans") <= _count("api.plans[session]", session, "/plans")


@pytest.mark.django_db
def test_stored_lights_feed_the_list_after_the_tick(p: Personas, world: dict[str, Any]) -> None:
    plan = world["plan"]
    today = timezone.localdate()
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    body = as_(p, "officer", "get", "/tasks", {"plan": plan.pk, "light": "overdue"}).json()
    # The 2024 plan is long past due and nothing is closed: every task is overdue.
    assert body["count"] == 4
    assert today > plan.due - timedelta(days=1)
