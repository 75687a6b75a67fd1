"""Task import in real Chromium: an officer uploads a broken decomposition table and the preview lists
every problem by row and column with no way to commit; a good table with merged cells and ★ leads is
previewed and committed through the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from luoshi.imports.models import BatchState, ImportBatch
from luoshi.work.models import Milestone, Task, TaskUnit
from tests.imports.test_import_tasks import build_district
from tests.web.test_i18n import english_words

pytestmark = pytest.mark.browser

# File formats and encodings named by the upload page's hint ("支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK）").
FORMAT_WORDS = {"xls", "csv", "utf", "gbk"}


def _no_english(page: Any) -> None:
    words = {w for w in english_words(page.content()) if w.lower() not in FORMAT_WORDS}
    assert not words, f"English on the Chinese page {page.url}: {sorted(words)}"


def _upload(page: Any, plan: Any, path: Path) -> None:
    page.goto("/imports/")
    _no_english(page)
    form = page.locator("#import-form")
    form.locator("input[name=kind][value=tasks]").check()
    form.locator("select[name=plan]").select_option(str(plan.pk))
    form.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _problems(page: Any) -> list[tuple[str, str, str, str]]:
    """(row, column, level, message) of each line of the preview's problem table."""
    return [
        tuple(cell.strip() for cell in cells[:4])
        for cells in page.locator("#import-problems tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells, c => c.innerText))"
        )
    ]


def _counts_are_readable(page: Any) -> str:
    """The counts line's text, after checking each badge is painted: coloured background, other text colour."""
    badges = page.locator("#import-counts .badge").evaluate_all(
        "els => els.map(e => [e.innerText, getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"
    )
    assert len(badges) == 5
    for text, color, background in badges:
        assert background not in ("rgba(0, 0, 0, 0)", "transparent", color), (text, color, background)
    return str(page.locator("#import-counts").inner_text())


def _broken_table(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年重点工作任务分解表", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "建设区级政务服务中心", "区发改局", "区财政局", "6月底前"])  # row 3: fine
    ws.append([2, "推进老旧小区改造", "区不存在局", None, "全年"])  # row 4: unknown unit
    ws.append([3, "清理拖欠企业账款", "区财政局", None, "2026年13月40日"])  # row 5: no such date
    ws.append([1, "优化营商环境（编号重复）", "区财政局", None, "三季度"])  # row 6: duplicate 序号
    ws.append([4, "完善社区养老服务", None, "区财政局", "年底前"])  # row 7: no lead unit
    ws.append([5, None, "区发改局", None, "全年"])  # row 8: a lead and a deadline but no task
    wb.save(path)
    return path


def _good_table(path: Path) -> Path:
    """An office's table as it comes: title and document-number rows, a merged 项目 column and a merged
    leader column, ★ marking the lead among the responsible units, and free-text deadlines."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["吴江区2024年重点工作责任分解表", None, None, None, None, None])
    ws.append(["吴政办〔2024〕3号", None, None, None, None, None])
    ws.append(["序号", "项目", "重点工作目标任务", "牵头领导", "责任单位(★为牵头)", "完成时限"])
    ws.append([1, "产业发展", "建设区级创新创业孵化基地", "叶林", "区财政局、★区发改局", "三季度"])
    ws.append([2, None, "推进工业用地腾笼换鸟", None, "区商务局，区财政局", "6月底前完成方案，12月底前建成"])
    ws.append([3, "民生保障", "完成老旧小区改造20个", "马振明", "★区工信局、区财政局", "全年"])
    for cells in ("A1:F1", "A2:F2", "B4:B5", "D4:D5"):
        ws.merge_cells(cells)
    wb.save(path)
    return path


def test_preview_lists_every_problem_of_a_bad_file_and_offers_no_commit(  # type: ignore[no-untyped-def]
    p, page, login, shot, tmp_path
):
    build_district(p)
    plan = p.plan(name="2026年重点工作", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    path = _broken_table(tmp_path / "任务分解表（有错）.xlsx")
    before = (Task.objects.count(), TaskUnit.objects.count(), Milestone.objects.count())

    login(page, "officer")
    _upload(page, plan, path)

    batch = ImportBatch.objects.get()
    assert page.url.endswith(f"/imports/{batch.pk}/")
    assert batch.state == BatchState.REFUSED
    assert page.locator("#batch-state").inner_text() == "有错误"
    assert _problems(page) == [
        ("4", "牵头单位", "错误", "找不到单位“区不存在局”。"),
        (
            "5",
            "完成时限",
            "错误",
            "无法识别的完成时限“2026年13月40日”（例：6月底前、三季度、2024年12月31日、全年）。",
        ),
        ("6", "序号", "错误", "编号 1 重复（与第 3 行相同）。"),
        ("7", "牵头单位", "错误", "缺少牵头单位。"),
        ("8", "重点任务", "错误", "任务内容为空。"),
    ]
    # The rows table marks the same rows (row 8 has no task to list) and leaves the good row 3 alone.
    marked = page.locator("#import-rows tr.has-error td.num").all_inner_texts()
    assert marked == ["4", "5", "6", "7"]
    # An unmatched lead unit stays visible as written, next to its problem.
    assert "区不存在局" in page.locator("#import-rows tr.has-error").first.inner_text()
    counts = _counts_are_readable(page)
    assert "错误 5" in counts and "提示 0" in counts
    assert page.locator("#import-commit").count() == 0
    assert page.locator("button:has-text('确认导入')").count() == 0
    refused = page.locator("#import-refused")
    assert "未写入任何数据" in refused.inner_text()
    assert refused.get_by_role("link", name="重新上传").is_visible()
    _no_english(page)
    shot(page, "bad-file-preview")

    after = (Task.objects.count(), TaskUnit.objects.count(), Milestone.objects.count())
    assert after == before
    batch.refresh_from_db()
    assert batch.state == BatchState.REFUSED and batch.committed_at is None


def test_good_file_with_merged_cells_and_star_leads_is_committed_from_the_page(  # type: ignore[no-untyped-def]
    p, page, login, shot, tmp_path
):
    org = build_district(p)
    plan = p.plan(name="2024年重点工作", year=2024, start=date(2024, 1, 1), due=date(2024, 12, 31))
    path = _good_table(tmp_path / "吴江区2024年重点工作.xlsx")

    login(page, "officer")
    _upload(page, plan, path)

    batch = ImportBatch.objects.get()
    assert batch.state == BatchState.READY, batch.preview["problems"]
    assert page.locator("#batch-state").inner_text() == "待确认"
    counts = _counts_are_readable(page)
    assert "新建 5" in counts and "更新 0" in counts and "错误 0" in counts  # 2 sections (项目) + 3 tasks
    assert [x for x in _problems(page) if x[2] == "错误"] == []
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 5
    first = rows.filter(has_text="建设区级创新创业孵化基地")
    assert "区发展和改革局" in first.inner_text()  # ★ marks the lead, though it is written second
    assert "2024-09-30" in first.inner_text()  # 三季度
    commit = page.locator("#import-commit")
    assert commit.locator("button[type=submit]").is_enabled()
    _no_english(page)
    shot(page, "good-file-preview")
    assert Task.objects.filter(plan=plan).count() == 0  # previewing writes nothing

    with page.expect_navigation():
        commit.locator("button[type=submit]").click()

    assert page.locator("#batch-state").inner_text() == "已导入"
    assert "已新建 5 项任务，更新 0 项。" in page.locator("#import-result").inner_text()
    assert "导入完成。" in page.inner_text("body")
    _no_english(page)
    shot(page, "good-file-committed")

    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED and batch.result["created"] == 5
    tasks = Task.objects.filter(plan=plan)
    assert tasks.count() == 5
    incubator = tasks.get(title="建设区级创新创业孵化基地")
    assert incubator.lead_unit == p.unit_a and list(incubator.co_units.all()) == [p.unit_b]
    assert incubator.due == date(2024, 9, 30)
    assert incubator.parent is not None and incubator.parent.title == "产业发展"
    assert incubator.responsible_leader == org["yelin"].person
    land = tasks.get(title="推进工业用地腾笼换鸟")
    assert land.lead_unit == org["swj"] and land.responsible_leader == org["yelin"].person  # merged D4:D5
    assert land.parent == incubator.parent and land.due == date(2024, 12, 31)
    assert list(land.milestones.values_list("due", flat=True)) == [date(2024, 6, 30)]
    housing = tasks.get(title="完成老旧小区改造20个")
    assert housing.lead_unit == org["gxj"]
    assert housing.parent is not None and housing.parent.title == "民生保障"
