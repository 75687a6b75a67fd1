"""The office builds a scheme from the sample rules table (upload, map the rules it could not read,
import), gives it its units, runs it, opens a unit's breakdown and follows a deduction to its report."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from luoshi.assessment.models import Result, Run, Scheme
from luoshi.work.models import LateReport

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "assessment" / "assessment_rules.csv"


def test_office_imports_runs_and_follows_a_deduction(p: Any, page: Any, login: Any, shot: Any) -> None:
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=date(today.year, 1, 1), due=date(today.year, 12, 31))
    task = p.task(plan, unit=p.unit_a, title="区政府年度重点工作半年实施情况报告")
    due = max(date(today.year, 1, 5), today - timedelta(days=10))
    LateReport.objects.create(
        task=task, unit=p.unit_a, period_end=due - timedelta(days=5), due_on=due, detected_on=due
    )

    # The import and the run do real work: allow a loaded machine more than the default 10 s.
    page.context.set_default_timeout(60_000)
    login(page, "officer")
    page.goto("/assessment/")
    page.click("#import-link")
    page.set_input_files("#upload-form input[type=file]", str(SAMPLE))
    page.click("#upload-form button[type=submit]")
    page.locator("#map-form").wait_for()
    page.select_option("#source", "ducha_xize")
    page.click("#recheck")
    page.locator("#pending tr[data-key=r16]").wait_for()
    assert "扣5-10分" in page.inner_text("#pending")
    assert page.locator("#do-import").is_disabled()
    shot(page, "import-preview")

    def map_rule(key: str, action: str, points: str = "", kind: str = "", method: str = "") -> None:
        row = page.locator(f"#pending tr[data-key={key}]")
        row.locator(".map-action").select_option(action)
        if points:
            row.locator(".map-points").fill(points)
        if kind:
            row.locator(".map-kind").select_option(kind)
        if method:
            row.locator(".map-method").select_option(method)

    map_rule("r12", "use", "5", "assessment.other")
    map_rule("r16", "use", "8", "assessment.other")
    map_rule("r20", "use", "5", "assessment.other")
    map_rule("r22", "ignore")
    map_rule("w0", "use", "50")
    map_rule("w1", "use", "30")
    page.click("#recheck")
    page.locator("#map-form").wait_for()
    assert page.locator("#import-problem").count() == 0, page.inner_text("#import-problem")
    page.click("#do-import")
    page.locator("#run-form").wait_for()
    scheme = Scheme.objects.get()
    assert scheme.total == 100 and scheme.groups.count() == 2
    shot(page, "scheme")

    # Give the first group its units (区直部门) through the form.
    page.goto(f"/assessment/schemes/{scheme.pk}/edit/")
    groups = page.locator("#id_groups").input_value().splitlines()
    groups[0] = "考核对象 | 区直部门 | 1"
    page.fill("#id_groups", "\n".join(groups))
    page.click("#scheme-form button[type=submit]")
    page.locator("#run-form").wait_for()

    page.click("#run-button")
    page.locator("#results").wait_for()
    run = Run.objects.get()
    assert Result.objects.filter(run=run).count() >= 3
    page.locator("#chart-distribution canvas").wait_for()  # ECharts drew the score distribution
    shot(page, "results")
    page.locator("#results a", has_text="区发展和改革局").click()
    page.locator("#lines").wait_for()
    text = page.inner_text("#lines")
    assert "-10: 区政府年度重点工作半年实施情况报告" in text and "报告应于" in text
    assert page.inner_text("#lines-total") == page.inner_text("#score")
    shot(page, "breakdown")
    row = page.locator("#lines tr", has_text="报告应于").first
    row.locator("a.fact-link").click()
    page.wait_for_url(f"**/work/tasks/{task.pk}/")
    assert "区政府年度重点工作半年实施情况报告" in page.inner_text("main")
