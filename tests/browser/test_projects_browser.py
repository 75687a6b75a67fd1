"""The 七个一批 board in real Chromium: its charts render with no console errors and no outside
request, a stage bar and a category bar click through to the project list they count, and a
project's page draws its investment chart."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from luoshi.projects import services
from tests.projects.factories import make_project

pytestmark = pytest.mark.browser


def _projects(p: Any) -> dict[str, Any]:
    today = timezone.localdate()
    early = today - timedelta(days=200)
    signed = make_project(p, name="智能装备制造基地", year=today.year)
    services.stage_met(actor=p.officer, project=signed, stage="signed", met=early, note="签约")
    building = make_project(
        p, name="城市轨道交通工程", category="infrastructure", unit=p.unit_b, year=today.year
    )
    services.stage_met(actor=p.officer, project=building, stage="building", met=today, note="主体施工")
    services.investment_report(actor=p.officer, project=building, month=date(today.year, 1, 1), amount=300)
    other = make_project(p, name="人民医院新院区", category="livelihood", year=today.year)
    services.stage_met(actor=p.officer, project=other, stage="signed", met=today, note="签约")
    return {"signed": signed, "building": building, "other": other}


CHARTS = ("#chart-stages", "#chart-category", "#chart-unit")


def _click_bar(page: Any, chart: int, index: int, value: float) -> None:
    point = page.evaluate(
        f"() => window.luoshiBoard.charts[{chart}].convertToPixel({{gridIndex: 0}}, [{index}, {value}])"
    )
    box = page.locator(f"{CHARTS[chart]} canvas").first.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_board_renders_and_clicks_through(p, page, login, shot, live_url):  # type: ignore[no-untyped-def]
    made = _projects(p)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None)
    login(page, "officer")
    page.goto("/projects/board/")
    for chart in ("#chart-stages", "#chart-category", "#chart-unit"):
        page.locator(f"{chart} canvas").first.wait_for()
    stages = page.evaluate("() => window.luoshiBoard.data.stages.map(s => [s.stage, s.count])")
    assert dict(stages)["signed"] == 2 and dict(stages)["building"] == 1
    assert "智能装备制造基地" in page.inner_text("#stuck")  # in 签约 for 200 days
    assert "城市轨道交通工程" in page.inner_text("#moved-month")
    shot(page, "board")

    # The 签约 bar (index 2) opens the list of the projects in that stage.
    signed_at = [s for s, _n in stages].index("signed")
    _click_bar(page, 0, signed_at, 1)
    assert urlsplit(page.url).path == "/projects/" and parse_qs(urlsplit(page.url).query) == {
        "stage": ["signed"]
    }
    listed = page.inner_text("#results")
    assert "智能装备制造基地" in listed and "人民医院新院区" in listed and "城市轨道交通工程" not in listed
    shot(page, "signed-list")

    # A category bar opens the list of that category.
    page.goto("/projects/board/")
    page.locator("#chart-category canvas").first.wait_for()
    cats = page.evaluate("() => window.luoshiBoard.data.by_category.map(c => [c.category, c.plan])")
    at = [c for c, _plan in cats].index("infrastructure")
    _click_bar(page, 1, at, cats[at][1] / 2)
    assert parse_qs(urlsplit(page.url).query) == {"category": ["infrastructure"]}
    assert "城市轨道交通工程" in page.inner_text("#results")
    assert "智能装备制造基地" not in page.inner_text("#results")

    # The project's page draws its investment chart.
    page.goto(f"/projects/{made['building'].pk}/")
    page.locator("#investment-chart canvas").first.wait_for()
    assert "在建" in page.inner_text("#stages")
    assert not outside, outside


def test_map_renders_points_offline_and_clicks_through(p, page, login, shot, live_url):  # type: ignore[no-untyped-def]
    from pathlib import Path

    data = (
        Path(__file__).parent.parent / "data" / "projects" / "wuhan_420100_districts.geojson"
    ).read_bytes()
    services.boundary_set(actor=p.officer, name="武汉市", data=data)
    near = make_project(p, name="东西湖物流园", lat="30.62", lng="114.14")
    make_project(p, name="江夏产业园", lat="30.35", lng="114.31", category="livelihood")
    make_project(p, name="未标注位置的项目")
    services.stage_met(actor=p.officer, project=near, stage="building", met=timezone.localdate(), note="x")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None)
    login(page, "officer")
    page.goto("/projects/map/")
    page.locator("#project-map canvas").first.wait_for()
    assert page.evaluate("() => window.luoshiMap.data.points.length") == 2
    assert page.evaluate("() => window.luoshiMap.chart.getOption().geo[0].map") == "district"
    series = page.evaluate(
        "() => window.luoshiMap.chart.getOption().series.map(s => [s.name, s.data.length])"
    )
    assert series == [["未进入阶段", 1], ["在建", 1]]
    shot(page, "map")
    point = page.evaluate("() => window.luoshiMap.chart.convertToPixel({geoIndex: 0}, [114.14, 30.62])")
    box = page.locator("#project-map canvas").first.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    assert urlsplit(page.url).path == f"/projects/{near.pk}/"
    page.goto("/projects/map/?color=light&category=livelihood")
    page.locator("#project-map canvas").first.wait_for()
    assert page.evaluate("() => window.luoshiMap.data.points.map(p => p.name)") == ["江夏产业园"]
    assert not outside, outside


def test_create_edit_and_a_conflict(p, page, login, shot, browser):  # type: ignore[no-untyped-def]
    """The office creates a project from the list, plans a stage and names an owner; a second tab
    still showing the old version is refused loudly (409) and shows what is there now."""
    from luoshi.projects.models import Project, ProjectOwner, ProjectStage

    login(page, p.officer.username)
    page.goto("/projects/")
    with page.expect_navigation():
        page.locator("#project-new").click()
    page.fill("#id_name", "新建数据中心")
    page.fill("#id_code", "ZD-900")
    page.fill("#id_total_investment", "-10")
    with page.expect_navigation():
        page.locator("#project-form button[type=submit]").click()
    assert "投资额不能为负数" in page.locator("#project-form").inner_text()  # refused on its field
    # the refused form answers 400, which Chromium logs: expected here, and only that
    (refused,) = page.console_errors
    assert "status of 400" in refused and "/projects/new/" in refused
    page.console_errors.clear()
    page.fill("#id_total_investment", "8000")
    page.select_option("#id_lead_unit", str(p.unit_a.pk))
    with page.expect_navigation():
        page.locator("#project-form button[type=submit]").click()
    project = Project.objects.get(code="ZD-900")
    assert page.url.endswith(f"/projects/{project.pk}/edit/")
    page.fill("#stage-plan-form #id_started", "2026-03-01")
    with page.expect_navigation():
        page.locator("#stage-plan-form button[type=submit]").click()
    assert str(ProjectStage.objects.get(project=project, stage="started").planned) == "2026-03-01"
    # a second tab opened now holds the current version; the first saves the owners meanwhile
    other = page.context.new_page()
    other.goto(f"/projects/{project.pk}/edit/")
    page.select_option("#owners-form #id_manager", index=1)
    with page.expect_navigation():
        page.locator("#owners-form button[type=submit]").click()
    assert ProjectOwner.objects.filter(project=project, role="manager").exists()
    other.fill("#project-form #id_name", "迟到的名称")
    with other.expect_navigation():
        other.locator("#project-form button[type=submit]").click()
    assert "已被他人修改" in other.content()
    project.refresh_from_db()
    assert project.name == "新建数据中心"
    shot(page, "project-edit")
