"""The bench generator end to end at its tiny scale, on SQLite and PostgreSQL: `make bench` broke
once when a model gained a field and no test noticed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from luoshi.benchdata.generate import TREE, TREES
from luoshi.lib.natural import sort_path
from luoshi.org.models import Unit
from luoshi.work import paths
from luoshi.work.models import Milestone, Plan, Report, Task, TaskUnit
from tests.project.test_region_keys import strays

pytestmark = pytest.mark.django_db


def tree_size(tree: tuple[int, int, int, int, int]) -> int:
    groups, subgroups, items, deep, subitems = tree
    return groups * (1 + subgroups * (1 + items + deep * subitems))


def test_the_tiny_scale_loads_like_the_others() -> None:
    out = io.StringIO()
    call_command("bench_data", "--scale", "tiny", "--today", "2026-06-30", stdout=out)
    assert tree_size(TREE) == 2900 and tree_size(TREES["tiny"]) == 26
    plan = Plan.objects.get(name__endswith="年度目标任务")  # the other is the rectification round's
    tasks = {t.pk: t for t in Task.objects.filter(plan=plan).exclude(source="project")}
    assert len(tasks) == 26
    assert re.search(r"^ +tasks +26 rows", out.getvalue(), re.M), out.getvalue()
    for task in tasks.values():
        parent = tasks.get(task.parent_id) if task.parent_id else None
        assert (task.path, task.depth, task.sort_path) == paths.place(
            plan_id=plan.pk, pk=task.pk, code=task.code, parent=parent
        )
        assert task.sort_path.startswith(sort_path(parent.sort_path if parent else "", task.code, task.pk))
        assert task.search_text and task.title.lower() in task.search_text
    # Listed in the order of the codes, each task after its parent.
    codes = list(Task.objects.filter(plan=plan).exclude(source="project").values_list("code", flat=True))
    assert codes[:4] == ["1", "1.1", "1.1.1", "1.1.1.1"] and len(set(codes)) == 26
    assert Report.objects.filter(task__plan=plan).count() > 26
    assert (
        TaskUnit.objects.filter(task__plan=plan).exists()
        and Milestone.objects.filter(task__plan=plan).exists()
    )
    # Stored lights were computed after loading (the command's last step).
    assert Task.objects.filter(plan=plan, light_on=date(2026, 6, 30)).count() == 26 + 6
    # Key projects and dispatch meetings (luoshi/benchdata/projects.py): each project with its
    # carrying task, stages and this year's entry; meetings with their rolls.
    from luoshi.meetings.models import Attendance, Meeting
    from luoshi.projects.models import Project, ProjectStage

    assert Project.objects.count() == 6 and not Project.objects.filter(task__isnull=True).exists()
    assert ProjectStage.objects.count() == 6 * 8
    assert set(Task.objects.filter(source="project").values_list("plan_id", flat=True)) == {plan.pk}
    assert Meeting.objects.count() == 8 and Attendance.objects.count() == 8 * 15
    # each year row's completed investment is its months' sum, as the services keep it (Jan–May here)
    from django.db.models import Sum

    from luoshi.projects.models import ProjectInvestment, ProjectYear

    sums = dict(
        ProjectInvestment.objects.values("project_id")
        .annotate(t=Sum("amount"))
        .values_list("project_id", "t")
    )
    years = ProjectYear.objects.filter(year=2026).values_list("project_id", "completed")
    assert len(years) == 6 and all(done == sums[pid] and done > 0 for pid, done in years)
    # Units: a province, one region and its ~100 units, their paths in the same shape.
    for unit in Unit.objects.all():
        assert paths.path_ids(unit.path)[-1] == unit.pk and paths.depth(unit.path) == unit.depth
    # Regions (lib/regions.py): the province root and the district are their own, the rest the district's;
    # every keyed row lies in its parent's region.
    district = Unit.objects.get(code="R000")
    assert set(Unit.objects.filter(path__startswith=district.path).values_list("region_id", flat=True)) == {
        district.pk
    }
    assert plan.region_id == district.pk
    assert strays() == {}
    with pytest.raises(CommandError, match="already has plans"):
        call_command("bench_data", "--scale", "tiny", stdout=io.StringIO())
