"""A year as an office walks it, in real Chromium on the demo district (issue 8, acceptance).

The office (ducha1) creates a plan and a small task tree on the pages, imports a sample table into
the plan mapping its unit names in the preview; 区发改局's reporter (fgj_tb) files reports with
evidence and its head (fgj_fz) approves them; the unit meets a milestone and the office confirms it;
the unit claims completion of both children and, once they are closed (not before), of the parent,
each through the head to the office; the office locks a past reporting period. At the end the
dashboard, the bulletin, the ledger and the API roll-up give the same total and the same count per
light for the plan as a plain count of its live leaf tasks.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from luoshi.documents.bulletin import build_bulletin
from luoshi.imports.models import BatchState, ImportBatch
from luoshi.org.models import Unit
from luoshi.work import rules
from luoshi.work.models import (
    Claim,
    ClaimKind,
    ClaimState,
    Light,
    LockedPeriod,
    Milestone,
    Plan,
    Report,
    ReportState,
    Status,
    Task,
)
from tests.browser.htmx import choose_and_swap

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
PLAN_NAME = "临江港物流园区建设攻坚计划"
DONE_SHORT_LABEL = "完成（未达标）"


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def _unit(name: str) -> str:
    return f"unit:{Unit.objects.get(name=name).pk}"


def _evidence(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _new_task(page: Any, *, title: str, code: str, lead: Unit | None = None) -> Task:
    """Fill the task form the page is on (a new task, or a sub-task with its parent proposed)."""
    page.fill("#id_title", title)
    page.fill("#id_code", code)
    if lead is not None:
        page.select_option("#id_lead_unit", str(lead.pk))
    _submit(page, "#task-form")
    task = Task.objects.get(title=title)
    assert page.url.endswith(f"/work/tasks/{task.pk}/")
    return task


def _claim(page: Any, task: Task, *, note: str, evidence: str, value: str | None = None) -> Claim:
    """The unit's reporter claims completion on the task page."""
    page.goto(f"/work/tasks/{task.pk}/")
    form = page.locator("#claim-form")
    form.locator("input[name=note]").fill(note)
    if value is not None:
        form.locator("input[name=value]").fill(value)
    form.locator("input[name=evidence]").set_input_files(evidence)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.get_by_text("等待单位负责人审核").first.wait_for()
    return Claim.objects.get(task=task, kind=ClaimKind.COMPLETION, state=ClaimState.PENDING)


def _head_approves_claims(page: Any, claims: list[Claim]) -> None:
    page.goto("/work/approvals/")
    for claim in claims:
        page.locator(f"#claim-approval-{claim.pk} button.approve-claim").click()
        page.locator(f"#claim-approval-{claim.pk}.done").wait_for()


def _office_confirms(page: Any, tasks: list[Task]) -> None:
    for task in tasks:
        page.goto("/work/review/")
        page.locator(f"#claim-{task.pk} button.confirm").click()
        page.locator("main").get_by_text("已确认完成并销号").wait_for()
        assert Task.objects.get(pk=task.pk).status == Status.CLOSED


@pytest.mark.scenario
def test_an_office_walks_a_year_and_every_surface_agrees(page, login, shot, tmp_path):  # type: ignore[no-untyped-def]
    call_command("demo", "--small", stdout=io.StringIO(), stderr=io.StringIO())
    today = timezone.localdate()
    start, due = today - timedelta(days=200), today + timedelta(days=165)
    fgj = Unit.objects.get(code="FGJ")
    district = Unit.objects.get(code="LJ")

    # 1. The office creates the plan (monthly, with head approval) and a task tree on the pages.
    login(page, "ducha1")
    page.goto("/work/plans/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建计划").click()
    page.fill("#id_name", PLAN_NAME)
    page.fill("#id_year", str(today.year))
    page.fill("#id_start", start.isoformat())
    page.fill("#id_due", due.isoformat())
    page.select_option("#id_cadence", "monthly")
    assert page.locator("#id_head_approval").is_checked()
    _submit(page, "#plan-form")
    plan = Plan.objects.get(name=PLAN_NAME)
    assert plan.head_approval and plan.claim_evidence and plan.cadence == "monthly"
    assert page.url.endswith(f"/work/manage/plans/{plan.pk}/")

    with page.expect_navigation():
        page.get_by_role("link", name="新建任务").click()
    parent = _new_task(page, title="推进临江港物流园区建设", code="4", lead=fgj)
    with page.expect_navigation():
        page.get_by_role("link", name="新建下级任务").click()
    planning = _new_task(page, title="完成物流园区控制性详细规划编制", code="4.1")
    page.goto(f"/work/tasks/{parent.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建下级任务").click()
    projects = _new_task(page, title="储备物流园区招商项目", code="4.2")
    assert planning.parent_id == parent.pk == projects.parent_id
    assert planning.lead_unit == projects.lead_unit == fgj  # proposed from the parent
    # A task for another unit, which nobody reports on this year: lit at once, as the bulletin would.
    page.goto(f"/work/manage/plans/{plan.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建任务").click()
    funds = _new_task(page, title="落实物流园区建设专项资金", code="5", lead=Unit.objects.get(code="CZJ"))
    panel = page.locator(".panel").first
    assert panel.locator(".badge").first.inner_text() == "严重滞后"
    assert "迟报" not in panel.inner_text()  # assigned today: it owes no report for earlier months

    # 4.1 has a milestone already due (missed until the office confirms it met) ...
    page.goto(f"/work/tasks/{planning.pk}/")
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="时间节点").click()
    page.fill("#id_new-title", "规划方案通过专家评审")
    page.fill("#id_new-due", (today - timedelta(days=10)).isoformat())
    _submit(page, "#milestone-new")
    milestone = Milestone.objects.get(task=planning)
    # ... and 4.2 a measure: 20 projects.
    page.goto(f"/work/tasks/{projects.pk}/")
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="量化指标").click()
    page.fill("#id_metric_name", "储备招商项目")
    page.fill("#id_metric_unit", "个")
    page.fill("#id_baseline", "0")
    page.fill("#id_target", "20")
    _submit(page, "#measure-form")
    projects.refresh_from_db()
    assert projects.has_measure and projects.target == Decimal(20)
    shot(page, "tree")

    # 2. The office imports the 霍山 sample table into the plan, mapping unit names in the preview.
    page.goto("/imports/")
    form = page.locator("#import-form")
    form.locator("input[name=kind][value=tasks]").check()
    form.locator("select[name=plan]").select_option(str(plan.pk))
    form.locator("input[name=file]").set_input_files(str(DATA / "huoshan2025_tasks.xlsx"))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    batch = ImportBatch.objects.filter(plan=plan).latest("pk")
    assert batch.state == BatchState.REFUSED  # names the district does not know yet
    choices = {
        "招商工作部": f"new:{district.pk}",
        "安商工作部": f"new:{district.pk}",
        "改革办": _unit("区委政策研究室"),
        "规划建设局": _unit("区自然资源和规划分局"),
    }
    asked = page.locator("#import-names tr.name-choice").evaluate_all(
        "rows => rows.map(r => r.dataset.written)"
    )
    assert sorted(asked) == sorted(choices), asked
    for written, value in choices.items():
        choose_and_swap(
            page, f'#import-names tr[data-written="{written}"] select[name=choice]', value, "/map/"
        )
    # The last choice's preview is swapped in by HTMX after its response: wait for it.
    expect(page.locator("#batch-state")).to_have_text("待确认")
    expect(page.locator("#import-names tr.name-unknown, #import-names tr.name-fuzzy")).to_have_count(0)
    shot(page, "import-mapped")
    with page.expect_navigation():
        page.locator("#import-commit button[type=submit]").click()
    expect(page.locator("#batch-state")).to_have_text("已导入")
    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED and batch.result["created"] == 3
    imported = Task.objects.filter(plan=plan).exclude(pk__in=[parent.pk, planning.pk, projects.pk, funds.pk])
    assert sorted(t.lead_unit.name for t in imported) == [
        "区委政策研究室",
        "区自然资源和规划分局",
        "招商工作部",
    ]

    # 3. 区发改局's reporter files both children on the fill page, with evidence; the head approves.
    login(page, "fgj_tb")
    page.goto("/work/fill/")
    row = page.locator(f"#fill-{planning.pk}")
    row.locator("input[name=percent]").fill("85")
    row.locator("details.flow-more > summary").first.click()
    row.locator("textarea[name=narrative]").fill("控规初稿完成，已征求相关部门意见")
    row.locator("input[name=evidence]").set_input_files(_evidence(tmp_path, "控规初稿.txt", "控规初稿文本"))
    row.locator("button.fill-submit").click()
    page.locator(f"#fill-{planning.pk}.done").wait_for()
    row = page.locator(f"#fill-{projects.pk}")
    row.locator("input[name=value]").fill("12")
    row.locator("details.flow-more > summary").first.click()
    row.locator("textarea[name=narrative]").fill("已储备物流、冷链项目12个")
    row.locator("input[name=evidence]").set_input_files(
        _evidence(tmp_path, "项目清单.txt", "储备项目清单12个")
    )
    row.locator("button.fill-submit").click()
    page.locator(f"#fill-{projects.pk}.done").wait_for()
    assert "待单位审核" in page.locator(f"#fill-{projects.pk}").inner_text()
    shot(page, "filed")

    login(page, "fgj_fz")
    page.goto("/work/approvals/")
    reports = list(Report.objects.filter(task__in=[planning, projects]).order_by("task__code"))
    assert [r.state for r in reports] == [ReportState.PENDING, ReportState.PENDING]
    for report in reports:
        page.locator(f"#approval-{report.pk} button.approve").click()
        page.locator(f"#approval-{report.pk}.done").wait_for()
    assert set(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("state", flat=True)) == {
        ReportState.SUBMITTED
    }
    planning.refresh_from_db()
    assert planning.light == Light.RED  # on track, but its milestone is missed

    # 4. The unit reports the milestone met, with date and evidence; the office confirms it.
    login(page, "fgj_tb")
    page.goto(f"/work/tasks/{planning.pk}/")
    met = today - timedelta(days=12)
    ms_row = page.locator(f"#milestone-{milestone.pk}")
    ms_row.locator("input[name=met_on]").fill(met.isoformat())
    ms_row.locator("input[name=note]").fill("专家评审会议通过")
    ms_row.locator("input[name=evidence]").set_input_files(
        _evidence(tmp_path, "评审意见.txt", "专家评审意见")
    )
    with page.expect_navigation():
        ms_row.locator("button[type=submit]").click()
    page.get_by_text("已报告节点完成，等待督查室确认").wait_for()

    login(page, "ducha1")
    page.goto("/work/review/")
    ms_claim = Claim.objects.get(milestone=milestone)
    item = page.locator(f"#milestone-claim-{ms_claim.pk}")
    assert "评审意见.txt" in item.inner_text() and met.isoformat() in item.inner_text()
    item.locator("button.confirm-milestone").click()
    page.locator("main").get_by_text("已确认节点完成").wait_for()
    assert Milestone.objects.get(pk=milestone.pk).met_on == met
    planning.refresh_from_db()
    assert planning.light == Light.GREEN

    # 5. The unit claims both children (4.2 below its target); the parent waits for them.
    login(page, "fgj_tb")
    claims = [
        _claim(page, planning, note="控规已获批复", evidence=_evidence(tmp_path, "批复.txt", "控规批复文件")),
        _claim(
            page,
            projects,
            note="储备项目18个，2个未落地",
            value="18",
            evidence=_evidence(tmp_path, "项目清单终.txt", "储备项目清单18个"),
        ),
    ]
    login(page, "fgj_fz")
    _head_approves_claims(page, claims)
    assert {t.status for t in Task.objects.filter(pk__in=[planning.pk, projects.pk])} == {Status.CLAIMED}

    login(page, "fgj_tb")
    page.goto(f"/work/tasks/{parent.pk}/")
    blocked = page.locator("#claim-blocked").inner_text()
    assert "4.1" in blocked and "4.2" in blocked
    assert page.locator("#claim-form").count() == 0
    assert "迟报" not in page.locator(".panel").first.inner_text()  # the parent was created today too
    shot(page, "parent-blocked")
    # Nor does the server take a parent's claim posted past the page.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        f"/work/tasks/{parent.pk}/claim/",
        multipart={
            "note": "提前申请",
            "next": f"/work/tasks/{parent.pk}/",
            "evidence": {"name": "总结.txt", "mimeType": "text/plain", "buffer": "工作总结".encode()},
        },
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert refused.ok and "下级任务尚未全部销号或取消：4.1、4.2" in refused.text()
    assert not Claim.objects.filter(task=parent).exists()
    assert Task.objects.get(pk=parent.pk).status == Status.IN_PROGRESS

    login(page, "ducha1")
    _office_confirms(page, [planning, projects])
    projects.refresh_from_db()
    assert projects.actual_pct == Decimal("90.00") and projects.closed_short

    login(page, "fgj_tb")
    parent_claim = _claim(
        page, parent, note="物流园区建设任务全部完成", evidence=_evidence(tmp_path, "总结.txt", "工作总结")
    )
    login(page, "fgj_fz")
    _head_approves_claims(page, [parent_claim])
    login(page, "ducha1")
    _office_confirms(page, [parent])
    shot(page, "parent-closed")

    # 6. The office locks last month's reporting period on the plan page.
    period = rules.previous_period_end(plan.cadence, today)
    page.goto(f"/work/plans/{plan.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="修改计划").click()
    page.select_option("#lock-form select", period.isoformat())
    _submit(page, "#lock-form")
    assert LockedPeriod.objects.filter(plan=plan, period_end=period).exists()
    assert period.isoformat() in page.inner_text("#locked")

    # 7. Every surface counts the same tasks: the live leaves of the plan, per light.
    rows = list(Task.objects.filter(plan=plan).values("id", "parent_id", "status", "light"))
    live = [t for t in rows if t["status"] not in (Status.DRAFT, Status.CANCELLED)]
    parents = {t["parent_id"] for t in live if t["parent_id"]}
    leaves = [t for t in live if t["id"] not in parents]
    expected = {k: v for k, v in Counter(t["light"] for t in leaves).items() if v}
    assert len(rows) == 7 and len(leaves) == 6 and expected[Light.DONE] == 2
    labels = {str(label): key for key, label in Light.choices}

    # Dashboard: 末级任务 and the light KPIs.
    page.goto(f"/work/dashboard/?plan={plan.pk}")
    page.locator("#chart-units canvas").first.wait_for()
    assert int(page.locator("#kpi-total .n").inner_text()) == len(leaves)
    kpis = page.locator("a.kpi[data-light]").evaluate_all(
        "els => els.map(e => [e.dataset.light, parseInt(e.querySelector('.n').textContent)])"
    )
    assert {light: n for light, n in kpis if n} == expected
    shot(page, "dashboard")

    # Bulletin, as the page shows it: its total row; 完成（未达标） is a column of its own.
    page.goto(f"/documents/bulletin/{plan.pk}/")
    table = page.locator(".bulletin table.bl-table").first
    heads = table.locator("thead th").all_inner_texts()[2:]
    cells = [int(n) for n in table.locator("tr.bl-total td").all_inner_texts()[1:]]
    assert cells[0] == len(leaves)
    shown = dict(zip(heads, cells[1:], strict=True))
    assert shown.pop(DONE_SHORT_LABEL) == 1  # 4.2 closed at 18 of 20
    shown[str(Light.DONE.label)] += 1
    assert {labels[h]: n for h, n in shown.items() if n} == expected
    shot(page, "bulletin")
    b = build_bulletin(plan=plan, on=today)
    totals = Counter(b.totals)
    totals[Light.DONE] += totals.pop("done_short", 0)
    assert b.total == len(leaves) and {k: v for k, v in totals.items() if v} == expected

    # Ledger (一张表) of the counted scope, by its 亮灯 column.
    response = page.request.get(f"/documents/ledger.csv?plan={plan.pk}&leaf=1")
    assert response.ok
    table_rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    header_at = next(i for i, r in enumerate(table_rows) if "亮灯" in r)
    col = table_rows[header_at].index("亮灯")
    ledger = Counter(labels[r[col]] for r in table_rows[header_at + 1 :] if len(r) > col and r[col])
    assert dict(ledger) == expected and sum(ledger.values()) == len(leaves)

    # API roll-up.
    response = page.request.get(f"/api/v1/plans/{plan.pk}/rollup")
    assert response.ok
    api = response.json()
    assert api["counted"] == "leaf" and api["total"] == len(leaves)
    assert {k: v for k, v in api["counts"].items() if v} == expected
