"""The leader dashboard (领导看板): who may see it, its numbers, its links and its query count."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from luoshi.work.dashboard import TREND_FALLBACK_POINTS, dashboard_data, green_trend
from luoshi.work.filters import TaskFilter
from luoshi.work.models import Light, LightCount
from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit
from luoshi.work.services.lights import persist_lights
from tests.factories import make_unit
from tests.helpers import exact_queries

URL = "/work/dashboard/"


def _chart(response) -> dict:  # type: ignore[no-untyped-def]
    m = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert m, "chart data not embedded"
    return json.loads(m.group(1))


@pytest.fixture
def plan(p):  # type: ignore[no-untyped-def]
    """This year's plan: A leads a green and a red task and co-operates on B's; B has a red one and an
    overdue one; a third unit C (outside the leader's portfolio) has one red task."""
    today = timezone.localdate()
    plan = p.plan(
        name="今年目标任务",
        year=today.year,
        start=date(today.year, 1, 1),
        due=date(today.year, 12, 31),
        head_approval=False,
    )
    unit_c = make_unit("区商务局", short_name="商务局")
    green = p.task(plan, title="甲正常任务", unit=p.unit_a)
    report_submit(actor=p.reporter_a, task=green, percent=100, narrative="完成")
    p.task(plan, title="甲滞后任务", unit=p.unit_a, responsible_leader=p.leader.person)
    p.task(plan, title="乙滞后任务", unit=p.unit_b, co_units=[p.unit_a])
    p.task(
        plan, title="乙逾期任务", unit=p.unit_b, due=today - timedelta(days=10), start=date(today.year, 1, 1)
    )
    p.task(plan, title="丙滞后任务", unit=unit_c)
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    plan.unit_c = unit_c
    return plan


def test_personas(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302
    for user in (p.reporter_a, p.head_a, p.reporter_b, p.auditor):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user
    for user in (p.leader, p.officer):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert "领导看板" in response.content.decode()
    client.force_login(p.officer)
    assert client.get(URL + "?plan=999999").status_code == 404
    assert client.get(URL + "?plan=abc").status_code == 404


def test_officer_chart_data(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    client.force_login(p.officer)
    response = client.get(URL + f"?plan={plan.pk}")
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "work/dashboard.js" in html
    assert 'id="chart-units"' in html and 'id="chart-trend"' in html
    data = _chart(response)
    assert data["plan"] == plan.pk
    names = [u["name"] for u in data["units"]["units"]]
    assert set(names) == {"发改局", "财政局", "商务局"}
    series = {s["light"]: s["data"] for s in data["units"]["series"]}
    idx = {n: i for i, n in enumerate(names)}
    # Per lead unit, as the bulletin counts (B's red that A co-operates on is B's):
    # A: its green and its red; B: red and overdue; C: red
    assert series[Light.GREEN][idx["发改局"]] == 1
    assert series[Light.RED][idx["发改局"]] == 1
    assert series[Light.RED][idx["财政局"]] == 1 and series[Light.OVERDUE][idx["财政局"]] == 1
    assert series[Light.RED][idx["商务局"]] == 1
    assert names[0] in ("发改局", "财政局")  # most red and overdue first
    # overdue and red list
    alerts = response.context["alerts"]
    assert [a["title"] for a in alerts][0] == "乙逾期任务"
    assert {a["title"] for a in alerts} == {"乙逾期任务", "甲滞后任务", "乙滞后任务", "丙滞后任务"}
    assert response.context["alert_total"] == 4
    assert "乙逾期任务" in html and "逾期 10 天" in html
    kpis = {k["light"]: k["n"] for k in response.context["kpis"]}
    assert kpis[Light.RED] == 3 and kpis[Light.OVERDUE] == 1 and kpis[Light.GREEN] == 1
    assert response.context["total"] == 5


def test_bar_segments_click_through_to_the_same_tasks(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    """Every bar segment's count equals what the task list (TaskFilter) shows for its link."""
    for user in (p.officer, p.leader):
        data = dashboard_data(user, plan)["chart"]
        assert data["list_url"] == "/work/tasks/"
        checked = 0
        for s in data["units"]["series"]:
            for unit, n in zip(data["units"]["units"], s["data"], strict=True):
                query = QueryDict(f"plan={data['plan']}&unit={unit['id']}&lead=1&leaf=1&light={s['light']}")
                assert TaskFilter(query, user=user).qs.count() == n, (unit, s["light"])
                checked += n
        assert checked >= 3
    # the portfolio and KPI links carry the same TaskFilter params
    d = dashboard_data(p.leader, plan)
    cell = next(c for c in d["portfolio"][0]["cells"] if c["n"])
    q = parse_qs(urlsplit(cell["url"]).query)
    assert q["plan"] == [str(plan.pk)] and q["unit"] == [str(p.unit_a.pk)] and q["light"] == [cell["light"]]
    assert TaskFilter(QueryDict(urlsplit(cell["url"]).query), user=p.leader).qs.count() == cell["n"]


def test_leader_sees_portfolio_only(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    client.force_login(p.leader)
    response = client.get(URL)
    data = _chart(response)
    names = {u["name"] for u in data["units"]["units"]}
    assert "商务局" not in names  # C is outside the portfolio and names nobody the leader is
    assert "丙滞后任务" not in response.content.decode()
    portfolio = response.context["portfolio"]
    assert [u["name"] for u in portfolio] == ["发改局"]
    assert portfolio[0]["total"] == 2  # the tasks A leads; B's task it co-operates on counts for B
    assert 'id="portfolio"' in response.content.decode()
    client.force_login(p.officer)
    assert 'id="portfolio"' not in client.get(URL).content.decode()  # no portfolio, no section


def test_trend_from_snapshots(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    d1, d2 = date(2026, 3, 1), date(2026, 3, 2)
    rows = [
        (d1, p.unit_a, Light.GREEN, 3),
        (d1, p.unit_a, Light.RED, 1),
        (d1, p.unit_b, Light.GREEN, 1),
        (d1, p.unit_b, Light.NOT_STARTED, 5),
        (d2, p.unit_a, Light.GREEN, 2),
        (d2, p.unit_a, Light.DONE, 1),
        (d2, p.unit_b, Light.YELLOW, 5),
        (d2, plan.unit_c, Light.RED, 2),
    ]
    LightCount.objects.bulk_create(
        [LightCount(plan=plan, unit=u, day=d, light=light, count=n) for d, u, light, n in rows]
    )
    points, source = green_trend(p.officer, plan)
    assert source == "snapshots"
    assert points == [{"day": "2026-03-01", "share": 80.0}, {"day": "2026-03-02", "share": 30.0}]
    # the leader's line counts only the units the leader may see (A; B and C are outside)
    points, _ = green_trend(p.leader, plan)
    assert points == [{"day": "2026-03-01", "share": 75.0}, {"day": "2026-03-02", "share": 100.0}]
    client.force_login(p.officer)
    data = _chart(client.get(URL))
    assert data["trend"]["source"] == "snapshots" and len(data["trend"]["points"]) == 2
    q = parse_qs(urlsplit(data["trend"]["url"]).query)
    assert q["light"] == [Light.GREEN, Light.DONE]


def test_trend_fallback_computes_weekly_points(p, plan) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    points, source = green_trend(p.officer, plan, today=today)
    assert source == "computed"
    assert 1 <= len(points) <= TREND_FALLBACK_POINTS
    assert points[-1]["day"] == today.isoformat()
    # today: green 1 of 5 started tasks (the rest red/overdue)
    assert points[-1]["share"] == 20.0
    days = [date.fromisoformat(x["day"]) for x in points]
    assert all((b - a).days == 7 for a, b in zip(days, days[1:], strict=False))
    # the leader's line counts the units the leader may see, like the snapshots: A leads 1 green, 1 red
    points, _ = green_trend(p.leader, plan, today=today)
    assert points[-1]["share"] == 50.0


def test_query_count_does_not_grow_with_tasks(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    LightCount.objects.create(plan=plan, unit=p.unit_a, day=date(2026, 3, 1), light=Light.GREEN, count=1)
    client.force_login(p.leader)
    client.get(URL)  # warm caches (content types, sessions)
    cache.clear()  # the figures themselves are measured uncached; the cached page below
    with exact_queries("work.dashboard[leader]@few") as small:
        assert client.get(URL).status_code == 200
    n_small = small.count
    assert n_small <= 20
    units = [make_unit(f"区测试局{i}", short_name=f"测试局{i}") for i in range(6)]
    for i in range(30):
        p.task(
            plan, title=f"新增任务{i}", unit=units[(i // 2) % 6] if i % 2 else p.unit_a, co_units=[p.unit_b]
        )
    today = timezone.localdate()
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    cache.clear()
    with exact_queries("work.dashboard[leader]@30") as big:
        response = client.get(URL)
    assert big.count <= n_small
    with exact_queries("work.dashboard[leader]@30 cached") as cached:
        assert _figures(client.get(URL)) == _figures(response)
    assert cached.count < big.count
    assert response.context["portfolio"][0]["total"] == 2 + 15  # the tasks A leads
    client.force_login(p.officer)
    client.get(URL)
    cache.clear()
    with exact_queries("work.dashboard[officer]@30") as officer:
        response = client.get(URL)
    assert officer.count <= n_small + 2
    assert len(_chart(response)["units"]["units"]) == 3 + 6


def test_dashboard_page_has_no_english(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_i18n import english_words

    for user in (p.leader, p.officer):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert not english_words(html), sorted(english_words(html))
        data = _chart(client.get(URL))
        labels = [s["name"] for s in data["units"]["series"]] + list(data["labels"].values())
        assert not english_words(" ".join(labels))


def test_english_dashboard_sentences_do_not_run_together(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    """Two translated sentences rendered side by side read "snapshots.Click" in English."""
    client.force_login(p.officer)
    client.cookies["django_language"] = "en"
    html = client.get(URL + f"?plan={plan.pk}").content.decode()
    assert "Click to see the tasks now on track or done." in html
    assert not re.search(r"[a-z]\.[A-Z]", re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])), (
        "sentences joined"
    )


def test_cached_figures_follow_the_light_change_signal(  # type: ignore[no-untyped-def]
    client, p, plan, django_capture_on_commit_callbacks
) -> None:
    """The dashboard and the API roll-up are served from the cache until the plan's stored figures
    change: a report that turns a red task green retires both at once (task_light_changed), and so
    does a status change."""
    from luoshi.work.models import Plan, Task
    from luoshi.work.services.status import task_set_status

    client.force_login(p.officer)
    rollup_url = f"/api/v1/plans/{plan.pk}/rollup"
    before_page = _figures(client.get(URL))
    before = client.get(rollup_url).json()
    red = Task.objects.get(plan=plan, title="甲滞后任务")
    version = Plan.objects.get(pk=plan.pk).figures_version
    # Without a change, the cached answers stand (a direct write bypasses the signal on purpose).
    Task.objects.filter(pk=red.pk).update(light=Light.GREEN)
    assert client.get(rollup_url).json() == before
    assert _figures(client.get(URL)) == before_page
    Task.objects.filter(pk=red.pk).update(light=Light.RED)
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=p.reporter_a, task=red, percent=100, narrative="提前完成")
    assert Plan.objects.get(pk=plan.pk).figures_version > version
    after = client.get(rollup_url).json()
    assert after["counts"][Light.GREEN] == before["counts"][Light.GREEN] + 1
    assert after["counts"][Light.RED] == before["counts"][Light.RED] - 1
    assert _figures(client.get(URL)) != before_page
    version = Plan.objects.get(pk=plan.pk).figures_version
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(actor=p.officer, task=red, status="suspended", reason="暂缓")
    assert Plan.objects.get(pk=plan.pk).figures_version > version


def _figures(response) -> str:  # type: ignore[no-untyped-def]
    """The page's figures (from the first number to the chart data), without the per-request token."""
    html = response.content.decode()
    return html[html.index('<div class="kpis">') : html.index('id="dashboard-data"')]


def test_the_dashboard_opens_on_the_largest_plan_then_on_the_reader_s_choice(client, p, plan) -> None:  # type: ignore[no-untyped-def]
    """Not the plan whose name sorts first: the year's largest (its annual targets), until the
    reader picks another, which it then opens on."""
    today = timezone.localdate()
    small = p.plan(
        name="2026年一份小清单", year=today.year, start=date(today.year, 1, 1), due=date(today.year, 12, 31)
    )
    p.task(small, title="小清单任务", unit=p.unit_a)
    assert small.name < plan.name  # sorts first in the plan menu
    client.force_login(p.leader)
    assert client.get(URL).context["plan"] == plan
    client.get(URL, {"plan": small.pk})
    assert client.get(URL).context["plan"] == small
