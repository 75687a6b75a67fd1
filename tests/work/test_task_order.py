"""Tasks appear in the natural order of their codes (1.2 before 1.10, 二 before 十), each after its
parent, on every surface: plan tree, task list, task page, API, ledger export, bulletin, imports."""

from __future__ import annotations

import csv
import importlib
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from luoshi.documents.bulletin import build_bulletin
from luoshi.imports.task_import import import_tasks
from luoshi.work.models import Task
from luoshi.work.services import report_submit, task_update
from tests.factories import Personas

pytestmark = pytest.mark.django_db

# Created in this (scrambled) order, so ids and codes disagree.
TREE = [
    ("十", None),
    ("1", None),
    ("1.10", "1"),
    ("二", None),
    ("1.2", "1"),
    ("(二)", "二"),
    ("9", None),
    ("1.1", "1"),
    ("(一)", "二"),
]
ORDER = ["1", "1.1", "1.2", "1.10", "二", "(一)", "(二)", "9", "十"]


def title(code: str) -> str:
    return f"任务{code}号"


def positions(html: str, codes: list[str]) -> list[str]:
    """The codes whose task titles occur in `html`, in the order they occur."""
    found = [(html.find(title(c)), c) for c in codes if title(c) in html]
    return [c for _, c in sorted(found)]


@pytest.fixture
def tree(p: Personas) -> tuple[Any, dict[str, Task]]:
    plan = p.plan(name="2026年度目标任务", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    plan.head_approval = False
    plan.save()
    tasks: dict[str, Task] = {}
    for code, parent in TREE:
        tasks[code] = p.task(plan, code=code, title=title(code), parent=tasks[parent] if parent else None)
    return plan, tasks


def officer(p: Personas) -> Client:
    c = Client()
    c.force_login(p.officer)
    return c


def test_default_order_is_the_tree_in_code_order(tree: Any) -> None:
    plan, _ = tree
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == ORDER


def test_plan_tree_page_top_level_and_opened_node(p: Personas, tree: Any) -> None:
    plan, tasks = tree
    c = officer(p)
    html = c.get(f"/work/plans/{plan.pk}/").content.decode()
    assert positions(html, ORDER) == ["1", "二", "9", "十"]
    part = c.get(f"/work/plans/{plan.pk}/?parent={tasks['1'].pk}", HTTP_HX_REQUEST="true").content.decode()
    assert positions(part, ORDER) == ["1.1", "1.2", "1.10"]
    part = c.get(f"/work/plans/{plan.pk}/?parent={tasks['二'].pk}", HTTP_HX_REQUEST="true").content.decode()
    assert positions(part, ORDER) == ["(一)", "(二)"]


def test_task_page_lists_children_in_code_order(p: Personas, tree: Any) -> None:
    _, tasks = tree
    html = officer(p).get(f"/work/tasks/{tasks['1'].pk}/").content.decode()
    assert positions(html, ["1.1", "1.2", "1.10"]) == ["1.1", "1.2", "1.10"]


@pytest.mark.parametrize("sort", ["", "&sort=code"])
def test_task_list_sorted_by_code(p: Personas, tree: Any, sort: str) -> None:
    plan, _ = tree
    html = officer(p).get(f"/work/tasks/?plan={plan.pk}{sort}").content.decode()
    assert positions(html, ORDER) == ORDER


def test_api_task_list_sorted_by_code(p: Personas, tree: Any) -> None:
    plan, _ = tree
    for query in (f"plan={plan.pk}", f"plan={plan.pk}&sort=code"):
        body = officer(p).get(f"/api/v1/tasks?{query}&limit=100").json()
        assert [t["code"] for t in body["items"]] == ORDER


def test_ledger_export_in_code_order(p: Personas, tree: Any) -> None:
    plan, _ = tree
    response = officer(p).get(f"/documents/ledger.csv?plan={plan.pk}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    titles = [r[0] for r in rows if r and r[0].startswith("任务") and r[0] != "任务"]  # not the header
    assert titles == [title(c) for c in ORDER]


def test_bulletin_lists_equal_tasks_in_code_order(p: Personas, tree: Any) -> None:
    plan, tasks = tree
    leaves = ["1.1", "1.2", "1.10", "(一)", "(二)", "9", "十"]
    for code in leaves:  # the same progress everywhere: only the codes tell them apart
        report_submit(actor=p.reporter_a, task=tasks[code], percent=5, on=date(2026, 6, 1))
    b = build_bulletin(plan=plan, on=date(2026, 6, 30))
    assert [n.title for n in b.named] == [title(c) for c in leaves]


def test_renumbering_or_moving_a_task_moves_its_subtree(p: Personas, tree: Any) -> None:
    plan, tasks = tree
    task_update(actor=p.officer, task=tasks["二"], version=tasks["二"].version, code="20")
    codes = list(Task.objects.filter(plan=plan).values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.2", "1.10", "9", "十", "20", "(一)", "(二)"]
    moved = Task.objects.get(pk=tasks["1.10"].pk)
    task_update(actor=p.officer, task=moved, version=moved.version, parent=tasks["9"])
    codes = list(Task.objects.filter(plan=plan).values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.2", "9", "1.10", "十", "20", "(一)", "(二)"]


def test_migration_fills_existing_rows(tree: Any) -> None:
    plan, _ = tree
    expected = dict(Task.objects.values_list("pk", "sort_path"))
    Task.objects.update(sort_path="")
    migration = importlib.import_module("luoshi.work.migrations.0006_task_sort_path")
    migration.fill_sort_paths(apps, None)
    assert dict(Task.objects.values_list("pk", "sort_path")) == expected
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == ORDER


# ---------------------------------------------------------------------------------------------
# Imports: one service call per task, and set-based (COPY on PostgreSQL, bulk_create elsewhere)

CSV = """序号,任务,牵头单位,完成时限
一、重点工作,,,
{rows_one}
二、民生实事,,,
1,任务2.1号,区财政局,2026年12月底前
"""


def _table(tmp_path: Path) -> Path:
    # Rows 1–11 of section 一 written out of order: the codes decide, not the file's order.
    numbers = [10, 2, 11, 1, 3, 4, 5, 6, 7, 8, 9]
    rows = "\n".join(f"{n},任务1.{n}号,区发展和改革局,2026年12月底前" for n in numbers)
    path = tmp_path / "tasks.csv"
    path.write_text(CSV.format(rows_one=rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("bulk", [False, True])
def test_imported_tasks_in_code_order(
    p: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr("luoshi.imports.task_import.BULK_CREATE_ROWS", 0)
    plan = p.plan(name="2026年度目标任务", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    result = import_tasks(_table(tmp_path), plan=plan, actor=p.officer)
    assert result.created == 14
    codes = list(Task.objects.filter(plan=plan).values_list("code", flat=True))
    assert codes == ["1"] + [f"1.{n}" for n in range(1, 12)] + ["2", "2.1"]
    html = officer(p).get(f"/work/tasks/?plan={plan.pk}&sort=code").content.decode()
    assert positions(html, codes) == codes[1:12] + ["2.1"]
