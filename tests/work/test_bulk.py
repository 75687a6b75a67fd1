"""The one bulk path, `work.bulk.task_create_many` (COPY on PostgreSQL, bulk_create on SQLite): the
tasks' places and order, co-units and milestones, one audit entry with the rows' digest, a fixed
number of statements whatever the batch's size, and the same row filling as `task_create`."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from luoshi.audit.models import Entry
from luoshi.errors import NotAllowed
from luoshi.jobs.models import Job
from luoshi.lib.text import pinyin_forms
from luoshi.work import paths
from luoshi.work.bulk import Created, MissingParent, NewTask, task_create_many
from luoshi.work.models import Milestone, Task, TaskUnit
from luoshi.work.services import search_text_fill
from tests.factories import Personas

JUNE = date(2024, 6, 30)


def rows(p: Personas, *, parent: str = "") -> list[NewTask]:
    """A child given before its parent, natural order different from the given order."""
    return [
        NewTask("1.10", "建设污水管网", p.unit_a, date(2024, 1, 1), JUNE, parent="1"),
        NewTask("2", "推进招商引资", p.unit_b, date(2024, 1, 1), JUNE, parent=parent),
        NewTask(
            "1",
            "优化营商环境",
            p.unit_a,
            date(2024, 1, 1),
            JUNE,
            parent=parent,
            # the lead unit and a repeated unit are left out, as task_create does
            co_units=[p.unit_b.pk, p.unit_a.pk, p.unit_b.pk],
            milestones=[{"title": "方案", "due": date(2024, 3, 31)}, {"title": "验收", "due": JUNE}],
        ),
        NewTask("1.2", "改造老旧小区", p.unit_b, date(2024, 1, 1), JUNE, parent="1", fields={"weight": 2}),
    ]


def test_a_batch_gets_its_places_order_co_units_milestones_and_one_audit_entry(p: Personas) -> None:
    plan = p.plan()
    entries = Entry.objects.count()
    made = task_create_many(actor=p.officer, plan=plan, rows=rows(p), batch="会议决定 7")
    tasks = {t.code: t for t in Task.objects.filter(plan=plan)}
    assert set(tasks) == {"1", "1.2", "1.10", "2"} and set(made.tasks) == set(tasks)
    for code, task in tasks.items():
        parent = task.parent
        assert (parent.code if parent else "") == ("1" if "." in code else "")
        assert (task.path, task.depth, task.sort_path) == paths.place(
            plan_id=plan.pk, pk=task.pk, code=code, parent=parent
        )
        assert made.tasks[code].pk == task.pk and made.tasks[code].path == task.path
    # Natural order of codes through the sort paths: 1, 1.2, 1.10, 2.
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == ["1", "1.2", "1.10", "2"]
    assert tasks["1.2"].weight == 2 and tasks["2"].lead_unit == p.unit_b
    assert list(TaskUnit.objects.filter(task__plan=plan).values_list("task__code", "unit_id")) == [
        ("1", p.unit_b.pk)
    ]
    assert list(Milestone.objects.filter(task=tasks["1"]).values_list("title", "sort")) == [
        ("方案", 0),
        ("验收", 1),
    ]
    # One entry for the batch: its name, ids and the SM3 digest of its rows.
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.get(action="work.task.bulk_created")
    ids = sorted(t.pk for t in tasks.values())
    assert entry.object_id == str(plan.pk) and entry.actor == p.officer
    assert entry.data == {
        "batch": "会议决定 7",
        "created": 4,
        "ids": [[ids[0], ids[-1]]],
        "rows_sm3": made.digest,
    }
    assert len(made.digest) == 64 and int(made.digest, 16) >= 0
    # The titles' pinyin is left to a job.
    assert pinyin_forms("优化营商环境")[0] not in tasks["1"].search_text
    assert "优化营商环境" in tasks["1"].search_text and p.unit_a.name.lower() in tasks["1"].search_text
    job = Job.objects.get(kind="work.fill_search_text")
    assert job.args == {"ranges": [[ids[0], ids[-1]]]}


def test_a_large_batch_leaves_its_whole_search_text_to_the_job(
    p: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `SEARCH_TEXT_LATER_ROWS` rows the search text is written empty (its two search indexes
    were the slow part of a 100,000-row import) and the job writes it whole, pinyin included."""
    monkeypatch.setattr("luoshi.work.bulk.SEARCH_TEXT_LATER_ROWS", 3)
    plan = p.plan()
    made = task_create_many(actor=p.officer, plan=plan, rows=rows(p), batch="大批导入")
    assert set(Task.objects.filter(plan=plan).values_list("search_text", flat=True)) == {""}
    job = Job.objects.get(kind="work.fill_search_text")
    assert job.args == {"ranges": [[min(made.ids), max(made.ids)]]}
    assert search_text_fill(job.args["ranges"]) == 4
    task = Task.objects.get(plan=plan, code="1")
    assert "优化营商环境" in task.search_text and pinyin_forms("优化营商环境")[0] in task.search_text
    assert p.unit_a.name.lower() in task.search_text
    # A batch within the limit keeps the text but the pinyin, as before.
    monkeypatch.setattr("luoshi.work.bulk.SEARCH_TEXT_LATER_ROWS", 4)
    other = p.plan()
    task_create_many(actor=p.officer, plan=other, rows=rows(p), batch="小批")
    text = Task.objects.get(plan=other, code="1").search_text
    assert "优化营商环境" in text and pinyin_forms("优化营商环境")[0] not in text


def test_rows_under_existing_tasks(p: Personas) -> None:
    plan = p.plan()
    top = p.task(plan, code="9", title="总任务")
    made = task_create_many(
        actor=p.officer, plan=plan, rows=rows(p, parent="9"), batch="b", parents={"9": top}
    )
    one = Task.objects.get(pk=made.tasks["1"].pk)
    assert one.parent == top and one.depth == 1 and one.path == paths.child_path(top.path, one.pk)
    kid = Task.objects.get(pk=made.tasks["1.10"].pk)
    assert paths.ancestor_ids(kid.path) == [top.pk, one.pk] and kid.depth == 2
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == [
        "9",
        "1",
        "1.2",
        "1.10",
        "2",
    ]


def test_statements_do_not_grow_with_the_batch(p: Personas) -> None:
    """Set-based: a batch of 40 tasks takes as many statements as a batch of 4 of the same depth."""

    def batch(n: int) -> list[NewTask]:
        tops = [NewTask(f"{i}", f"任务{i}", p.unit_a, date(2024, 1, 1), JUNE) for i in range(1, n + 1)]
        return tops + [
            NewTask(
                f"{i}.1",
                f"子任务{i}",
                p.unit_a,
                date(2024, 1, 1),
                JUNE,
                parent=f"{i}",
                co_units=[p.unit_b.pk],
            )
            for i in range(1, n + 1)
        ]

    counts = []
    for n in (2, 20):
        plan = p.plan()
        with CaptureQueriesContext(connection) as ctx:
            made = task_create_many(actor=p.officer, plan=plan, rows=batch(n), batch="b")
        assert len(made.tasks) == 2 * n == Task.objects.filter(plan=plan).count()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_given_ids_are_kept_and_no_job_for_a_given_search_text(p: Personas) -> None:
    plan = p.plan()
    base = (Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    given = [
        NewTask("1", "甲", p.unit_a, date(2024, 1, 1), JUNE, fields={"id": base, "search_text": "jia"}),
        NewTask(
            "1.1",
            "乙",
            p.unit_a,
            date(2024, 1, 1),
            JUNE,
            parent="1",
            fields={"id": base + 5, "search_text": "yi"},
        ),
    ]
    made = task_create_many(actor=None, plan=plan, rows=given, batch="bench", audit=False)
    assert [m.pk for m in made.tasks.values()] == [base, base + 5]
    kid = Task.objects.get(pk=base + 5)
    assert kid.parent_id == base and kid.path == f"/p{plan.pk}/{base}/{base + 5}/" and kid.search_text == "yi"
    assert not Job.objects.filter(kind="work.fill_search_text").exists()
    assert not Entry.objects.filter(action="work.task.bulk_created").exists()


def test_refusals_write_nothing(p: Personas) -> None:
    plan = p.plan()
    orphan = [NewTask("1.1", "子", p.unit_a, date(2024, 1, 1), JUNE, parent="1")]
    with pytest.raises(MissingParent) as missing:
        task_create_many(actor=p.officer, plan=plan, rows=orphan, batch="b")
    assert missing.value.code == "1.1"
    twice = [NewTask("1", "甲", p.unit_a, date(2024, 1, 1), JUNE)] * 2
    with pytest.raises(ValueError, match="unique"):
        task_create_many(actor=p.officer, plan=plan, rows=twice, batch="b")
    with pytest.raises(NotAllowed):
        task_create_many(actor=p.reporter_a, plan=plan, rows=rows(p), batch="b")
    assert not Task.objects.filter(plan=plan).exists()


def test_the_digest_follows_the_rows_not_the_write_times() -> None:
    def created(title: str, at: str) -> Created:
        return Created("b", {}, {"tasks": [{"id": 1, "title": title, "created": at, "updated": at}]})

    assert created("甲", "t1").digest == created("甲", "t2").digest
    assert created("甲", "t1").digest != created("乙", "t1").digest


def test_task_create_and_the_bulk_path_fill_a_task_alike(p: Personas) -> None:
    """One task by the service, one by the bulk path with the same values (stored lights left to
    the caller by both): the same row but its id, code and place."""
    plan = p.plan()
    one = p.task(
        plan, title=" 建设产业园区 ", code="3", unit=p.unit_b, co_units=[p.unit_a], weight=2, refresh=False
    )
    made = task_create_many(
        actor=p.officer,
        plan=plan,
        rows=[
            NewTask(
                "4",
                " 建设产业园区 ",
                p.unit_b,
                plan.start,
                plan.due,
                co_units=[p.unit_a.pk],
                fields={"weight": 2},
            )
        ],
        batch="b",
        title_pinyin=True,
    )
    other = Task.objects.get(pk=made.tasks["4"].pk)
    differ = {"id", "code"}
    mine, theirs = model_to_dict(Task.objects.get(pk=one.pk)), model_to_dict(other)
    assert {k: v for k, v in mine.items() if k not in differ} == {
        k: v for k, v in theirs.items() if k not in differ
    }
    assert one.search_text.replace("3", "4") == other.search_text
    assert list(one.co_units.all()) == list(other.co_units.all()) == [p.unit_a]
