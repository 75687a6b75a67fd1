"""An officer imports a sample statistics table with preview, opens the peer group's ranking and sees
both charts render, with no console error and no request leaving the site."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.benchmark import defaults, services
from luoshi.benchmark.models import Region, Value
from tests.benchmark.conftest import PEERS, SAMPLES, figures_csv
from tests.browser.htmx import wait_until

pytestmark = pytest.mark.browser


def test_an_officer_imports_statistics_and_reads_the_ranking(
    p: Any, page: Any, login: Any, live_url: str, shot: Any, tmp_path: Any
) -> None:
    # The indicators come from a data migration; a live server's test in the same worker before this
    # one flushed them away (every table is emptied after a transactional test).
    defaults.ensure()
    services.divisions_import(actor=p.officer)
    home = services.home_region_set(
        actor=p.officer, region=Region.objects.get(code="420112"), unit=p.district
    )
    group = services.group_save(
        actor=p.officer,
        name="武汉新城区对标",
        home=home,
        members=list(Region.objects.filter(code__in=PEERS)),
        benchmark=Region.objects.get(code="420115"),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_url) or r.url.startswith("data:") else outside.append(r.url),
    )
    login(page, "officer")
    # A published sample first: the preview lists its rows, nothing is written until confirmed.
    page.goto("/benchmark/")
    page.set_input_files(
        "#import-form input[type=file]", str(SAMPLES / "peer_cities_2016_nanjing_yearbook_t18-2.csv")
    )
    page.click("#import-form button[type=submit]")
    page.locator("#import-commit").wait_for()
    assert "320100 南京市" in page.locator("#import-rows").inner_text()
    assert not Value.objects.exists()
    shot(page, "preview")
    with page.expect_navigation():
        page.click("#import-commit button[type=submit]")
    assert Value.objects.filter(region__code="320100", indicator__code="gdp").exists()
    # The group's own figures, two years.
    figures = tmp_path / "武汉新城区.csv"
    figures.write_bytes(figures_csv())
    page.set_input_files("#import-form input[type=file]", str(figures))
    page.click("#import-form button[type=submit]")
    page.locator("#import-commit").wait_for()
    with page.expect_navigation():
        page.click("#import-commit button[type=submit]")
    page.click(f"#groups a[href='/benchmark/groups/{group.pk}/']")
    page.locator("#ranking").wait_for()
    assert "本区在 6 个地区中排第 2 位" in page.locator("#ranking-summary").inner_text()
    assert "↑1" in page.locator("#home-row").inner_text()
    assert "武汉新城区.csv #8" in page.locator("#home-row").inner_text()
    wait_until(
        page,
        "() => document.querySelector('#group-chart canvas') && document.querySelector('#rank-chart canvas')",
    )
    box = page.locator("#group-chart canvas").first.bounding_box()
    assert box and box["height"] > 100
    shot(page, "ranking")
    # Another indicator by the filter: the growth rates.
    page.select_option("#ranking-filter select[name=indicator]", "gdp_growth")
    with page.expect_navigation():
        page.click("#ranking-filter button[type=submit]")
    wait_until(page, "() => document.querySelector('#group-chart canvas')")
    assert "地区生产总值增长" in page.locator("#ranking thead").inner_text()
    assert outside == []
