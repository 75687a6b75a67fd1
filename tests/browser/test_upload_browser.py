"""Evidence upload in real Chromium: a web page handed in as evidence is refused in the row, with
the reason, and nothing is stored; a PDF is accepted and served back inline as a PDF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work.models import Evidence, Report
from luoshi.work.services import task_refresh

pytestmark = pytest.mark.browser


def _task(p: Any) -> Any:
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    plan.head_approval = False
    plan.save()
    task = p.task(plan, title="建设人才公寓")
    task_refresh(task=task)
    return task


def test_html_evidence_is_refused_in_the_row(p, page, login, tmp_path):  # type: ignore[no-untyped-def]
    task = _task(p)
    page_file = tmp_path / "验收照片.html"
    page_file.write_text("<html><script>alert(document.cookie)</script></html>", encoding="utf-8")
    login(page, "reporter_a")
    page.goto("/work/fill/")
    row = page.locator(f"#fill-{task.pk}")
    row.locator("input[name=percent]").fill("60")
    row.locator("input[name=evidence]").set_input_files(str(page_file))
    row.locator("button.fill-submit").click()
    error = page.locator(f"#fill-{task.pk} .flow-error")
    error.wait_for()
    assert error.inner_text().startswith("附件 验收照片.html 的文件类型不被接受。")
    assert not Report.objects.filter(task=task).exists() and not Evidence.objects.exists()

    pdf = tmp_path / "验收报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    row = page.locator(f"#fill-{task.pk}")
    row.locator("input[name=percent]").fill("60")
    row.locator("input[name=evidence]").set_input_files(str(pdf))
    row.locator("button.fill-submit").click()
    page.locator(f"#fill-{task.pk}.done").wait_for()
    ev = Evidence.objects.get(report__task=task)
    response = page.request.get(f"/work/evidence/{ev.pk}/")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
