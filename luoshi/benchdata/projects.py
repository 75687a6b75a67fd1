"""Benchmark key projects and dispatch meetings, per region of the generator (`generate.py`).

Each region gets `PROJECTS` key projects (30,000 at province scale) across the stages, with their
eight stage rows, this year's list entry (with its completed investment, the sum of its months),
monthly investment up to last month, a problem for one in five, and a carrying task each in the region's plan (through `work.bulk.task_create_many`, as
`projects.services.project_tasks_ensure` makes them); and `SERIES` weekly dispatch meeting series
over the region with `MEETINGS` past meetings in all (20,000 at province scale), each with its roll
of attendees (the region's leaders and a sample of unit reporters) checked in, late or absent.
Rows go in as the generator writes its own (`lib.bulk.model_rows` over the models' defaults).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter as time_counter
from typing import Any

from luoshi.lib.bulk import model_rows, next_id, reset_sequence, write_rows

PROJECTS = 300  # per region
SERIES = 4
MEETINGS = 200  # per region, spread over the series
ATTENDEES = 14  # per meeting, besides the chair
TINY_PROJECTS, TINY_MEETINGS = 6, 8
STAGES = ("packaged", "inviting", "signed", "landed", "started", "building", "producing", "reached")
CATEGORIES = ("industry", "infrastructure", "livelihood", "reform")


def generate_projects(
    *,
    stats: Any,
    rnd: random.Random,
    regions: list[dict[str, Any]],
    today: date,
    now: datetime,
    log: Any,
    tiny: bool = False,
) -> None:
    """Add the regions' key projects and dispatch meetings (after their plans and tasks); `tiny`
    (the tests' scale) makes a few of each."""
    from django.db import transaction

    from luoshi.meetings.models import Attendance, Meeting, MeetingSeries
    from luoshi.projects.models import (
        Project,
        ProjectInvestment,
        ProjectProblem,
        ProjectStage,
        ProjectYear,
    )
    from luoshi.work.bulk import NewTask, task_create_many
    from luoshi.work.models import Plan

    from .generate import _write

    models = (Project, ProjectStage, ProjectYear, ProjectInvestment, ProjectProblem, MeetingSeries, Meeting)
    ids: dict[Any, int] = {m: next_id(m) for m in (*models, Attendance)}
    series_units = MeetingSeries.units.through
    ids[series_units] = next_id(series_units)

    def take(model: Any) -> int:
        ids[model] += 1
        return int(ids[model] - 1)

    year = today.year
    for r, reg in enumerate(regions):
        units = reg["units"]
        leads = units[: min(len(units), 90)]  # streets, departments, resident units
        projects: list[dict[str, Any]] = []
        stages: list[dict[str, Any]] = []
        years: list[dict[str, Any]] = []
        money: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        centre = (30.0 + (r % 10) * 0.5, 110.0 + (r // 10) * 0.5)
        for i in range(TINY_PROJECTS if tiny else PROJECTS):
            pid = take(Project)
            reached = rnd.randrange(len(STAGES))
            met: list[date] = []
            day = today - timedelta(days=rnd.randint(3, 200))
            for _s in range(reached + 1):
                met.append(day)
                day -= timedelta(days=rnd.randint(40, 120))
            met.reverse()
            total = Decimal(rnd.randint(2000, 500000))
            annual = (total * Decimal(rnd.choice((15, 20, 25, 30))) / 100).quantize(Decimal("1"))
            code = f"{reg['code']}-XM{i:04d}"
            name = f"{reg['code']}重点项目{i:04d}"
            projects.append(
                {
                    "id": pid,
                    "name": name,
                    "code": code,
                    "category": CATEGORIES[i % 4],
                    "lat": Decimal(f"{centre[0] + rnd.uniform(0, 0.4):.6f}"),
                    "lng": Decimal(f"{centre[1] + rnd.uniform(0, 0.4):.6f}"),
                    "lead_unit_id": rnd.choice(leads),
                    "protected": i % 4 == 0,
                    "total_investment": total,
                    "stage": STAGES[reached],
                    "stage_since": met[-1],
                    "created": now,
                }
            )
            for s, stage in enumerate(STAGES):
                planned = met[s] - timedelta(days=rnd.randint(-20, 10)) if s <= reached else None
                if s == reached + 1:
                    planned = today + timedelta(days=rnd.randint(-45, 200))
                stages.append(
                    {
                        "id": take(ProjectStage),
                        "project_id": pid,
                        "stage": stage,
                        "planned": planned,
                        "met": met[s] if s <= reached else None,
                    }
                )
            entry: dict[str, Any] = {
                "id": take(ProjectYear),
                "project_id": pid,
                "year": year,
                "name": name,
                "annual_plan": annual,
                "completed": Decimal(0),  # the sum of the months below, as the services keep it
            }
            years.append(entry)
            pace = Decimal(rnd.choice((0.55, 0.6))) if i % 4 == 1 else Decimal(rnd.choice((0.95, 1.0, 1.1)))
            for month in range(1, today.month):
                amount = (annual / 12 * pace * Decimal(rnd.uniform(0.8, 1.2))).quantize(Decimal("0.01"))
                money.append(
                    {
                        "id": take(ProjectInvestment),
                        "project_id": pid,
                        "month": date(year, month, 1),
                        "amount": amount,
                    }
                )
                entry["completed"] += amount
            if i % 5 == 0:
                problems.append(
                    {
                        "id": take(ProjectProblem),
                        "project_id": pid,
                        "title": f"项目{i:04d}用地指标未落实",
                        "owner_unit_id": rnd.choice(leads),
                        "deadline": today + timedelta(days=rnd.randint(10, 90)),
                        "created": now,
                    }
                )
        plan = Plan.objects.get(pk=reg["plan_id"])
        with transaction.atomic():
            _write(stats, "projects", Project, projects)
            _write(stats, "project stages", ProjectStage, stages)
            _write(stats, "project years", ProjectYear, years)
            _write(stats, "project investment", ProjectInvestment, money)
            _write(stats, "project problems", ProjectProblem, problems)
            rows = [
                NewTask(
                    code=f"项目{p['code']}",
                    title=p["name"],
                    lead_unit=p["lead_unit_id"],
                    start=max(plan.start, min(today, plan.due)),
                    due=plan.due,
                    fields={
                        "source": "project",
                        "source_ref": f"project:{p['id']}",
                        "search_text": p["name"],
                    },
                )
                for p in projects
            ]
            t0 = time_counter()
            made = task_create_many(
                actor=None, plan=plan, rows=rows, batch=f"bench projects {reg['code']}", audit=False
            )
            stats.add("project tasks", len(made.tasks), t0)
            task_ids = [(made.tasks[row.code].pk, p["id"]) for row, p in zip(rows, projects, strict=True)]
            from luoshi.lib.bulk import update_rows

            update_rows(Project, (("task_id", "bigint"),), task_ids)
            _meetings(stats, rnd, reg, today, take, series_units, TINY_MEETINGS if tiny else MEETINGS)
        if (r + 1) % 10 == 0 or r + 1 == len(regions):
            log(
                f"projects and meetings {r + 1}/{len(regions)}: {stats.counts.get('projects', 0)} projects, "
                f"{stats.counts.get('meetings', 0)} meetings, {stats.counts.get('attendance', 0)} attendance"
            )
    for m in (*models, Attendance, series_units):
        reset_sequence(m)


def _meetings(
    stats: Any, rnd: random.Random, reg: dict[str, Any], today: date, take: Any, through: Any, count: int
) -> None:
    from django.utils import timezone

    from luoshi.meetings.models import Attendance, Meeting, MeetingSeries

    from .generate import _write

    series: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for s in range(SERIES):
        sid = take(MeetingSeries)
        series.append(
            {
                "id": sid,
                "name": f"{reg['code']}调度会{s + 1}",
                "cadence": "weekly",
                "chair_id": reg["leaders"][s % len(reg["leaders"])],
                "unit_id": reg["root"],  # the chair's unit: the region's own
                "start_time": f"{9 + s:02d}:00:00",  # as text: SQLite's driver takes no time values
                "unit_projects": True,
                "attendee_roles": "head,leader",
            }
        )
        links.append({"id": take(through), "series_id": sid, "unit_id": reg["root"]})
    _write(stats, "meeting series", MeetingSeries, series)
    write_rows(through, *model_rows(through, links))
    people = list(reg["reporters"].values())
    meetings: list[dict[str, Any]] = []
    rolls: list[dict[str, Any]] = []
    per_series = count // SERIES
    tz = timezone.get_current_timezone()
    for s, row in enumerate(series):
        for n in range(per_series):
            day = today - timedelta(days=7 * (per_series - n) + s)
            starts = datetime.combine(day, time(9 + s), tzinfo=tz)
            mid = take(Meeting)
            meetings.append(
                {
                    "id": mid,
                    "series_id": row["id"],
                    "number": n + 1,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=90),
                    "agenda_send_at": starts - timedelta(hours=48),
                    "agenda_sent_at": starts - timedelta(hours=48),
                    "state": "closed",
                }
            )
            for person in [row["chair_id"], *rnd.sample(people, min(ATTENDEES, len(people)))]:
                roll = rnd.random()
                state = "present" if roll < 0.8 else "late" if roll < 0.92 else "absent"
                at = (
                    None
                    if state == "absent"
                    else starts + timedelta(minutes=rnd.randint(-20, 30 if state == "late" else 0))
                )
                rolls.append(
                    {
                        "id": take(Attendance),
                        "meeting_id": mid,
                        "person_id": person,
                        "required": True,
                        "state": state,
                        "checked_in_at": at,
                        "method": "" if at is None else "card",
                    }
                )
    _write(stats, "meetings", Meeting, meetings)
    _write(stats, "attendance", Attendance, rolls)
