"""Deterministic benchmark data shaped like the demo district, at district, city or province scale.

Each region (county/district) gets ~100 units, ~200 people in posts, one annual plan of ~3,000
tasks in trees 3–4 levels deep, milestones, measures and a year of reports up to `today`
(about 20 a task: monthly for most, weekly for a third of them), with the demo's spread of
lags, late reports, closed and not-yet-started tasks. Rows go in by COPY on PostgreSQL, tasks by
the work app's one bulk path (`work.bulk.task_create_many`), every row as field values over the
model's own defaults (`lib.bulk.model_rows`), so a new field with a default needs nothing here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model

from luoshi.lib.bulk import model_rows, next_id, reset_sequence, write_rows
from luoshi.lib.text import pinyin_forms
from luoshi.org.models import Membership, Person, PortfolioUnit, Post, Unit
from luoshi.work import rules
from luoshi.work.bulk import NewTask, task_create_many
from luoshi.work.models import Milestone, Plan, Report, Task, TaskUnit
from luoshi.work.paths import UNIT_ROOT, child_path, path_ids
from luoshi.work.services.lights import figures_refresh

from . import supervision

# "two": two districts on one install, to check the plan for sharding by region (docs/scaling.md).
SCALES = {"tiny": 1, "district": 1, "two": 2, "city": 10, "province": 100}
# A region's plan: top-level groups, their subgroups, items per subgroup, how many of those items
# have subitems, subitems per such item (20 × (1 + 6 × (1 + 3 × 5 + 8)) = 2,900 tasks); "tiny" is
# for tests (26 tasks).
TREE = (20, 6, 11, 3, 4)
TREES = {"tiny": (2, 2, 3, 1, 2)}
PASSWORD = "bench-pass-2026"

STREETS = [
    "城关街道",
    "东湖街道",
    "西城街道",
    "南山街道",
    "北桥镇",
    "高新区管委会",
    "经开区管委会",
    "临港新区",
]
DEPARTMENTS = [
    ("区发展和改革局", "发改局"),
    ("区财政局", "财政局"),
    ("区住房和城乡建设局", "住建局"),
    ("区教育局", "教育局"),
    ("区卫生健康委员会", "卫健委"),
    ("区商务局", "商务局"),
    ("区科学技术局", "科技局"),
    ("区工业和信息化局", "工信局"),
    ("区自然资源和规划局", "自然资源局"),
    ("区生态环境分局", "生态环境分局"),
    ("区交通运输局", "交通局"),
    ("区水务局", "水务局"),
    ("区农业农村局", "农业农村局"),
    ("区文化和旅游局", "文旅局"),
    ("区市场监督管理局", "市场监管局"),
    ("区应急管理局", "应急局"),
    ("区民政局", "民政局"),
    ("区人力资源和社会保障局", "人社局"),
    ("区司法局", "司法局"),
    ("区审计局", "审计局"),
    ("区统计局", "统计局"),
    ("区城市管理局", "城管局"),
    ("区政务服务和数据管理局", "数据局"),
    ("区退役军人事务局", "退役军人局"),
    ("区医疗保障局", "医保局"),
    ("区林业局", "林业局"),
    ("区体育局", "体育局"),
]
RESIDENT = [
    "区税务局",
    "供电公司",
    "自来水公司",
    "燃气公司",
    "海关办事处",
    "公安分局",
    "消防救援大队",
    "邮政分公司",
    "移动分公司",
    "电信分公司",
    "气象局",
    "人民银行支行",
]
VERBS = ["推进", "完成", "加快", "实施", "建设", "开展", "落实", "提升", "优化", "启动"]
OBJECTS = [
    "老旧小区改造",
    "重点项目开工",
    "营商环境评价整改",
    "招商引资签约",
    "城市更新片区",
    "产业园区配套",
    "农村人居环境整治",
    "数字政府建设",
    "中小学扩容",
    "社区卫生服务中心",
    "污水管网改造",
    "道路提档升级",
    "规上企业培育",
    "科技型企业认定",
    "消费券发放",
    "就业困难人员帮扶",
    "安全生产专项整治",
    "河湖长制巡查",
]
METRICS = [
    ("地区生产总值增速", "%", "higher"),
    ("一般公共预算收入", "亿元", "higher"),
    ("固定资产投资", "亿元", "higher"),
    ("社会消费品零售总额", "亿元", "higher"),
    ("规上工业增加值增速", "%", "higher"),
    ("万元GDP能耗", "吨标煤", "lower"),
]


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, count: int, since: float) -> None:
        self.counts[name] = self.counts.get(name, 0) + count
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - since


def _write(stats: Stats, name: str, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Rows as field values over the model's own defaults (`model_rows`): no column list to keep."""
    t0 = time.perf_counter()
    columns, data = model_rows(model, rows)
    stats.add(name, write_rows(model, columns, data), t0)


@dataclass
class _Org:
    """The organisation's rows as they are made, and the next free id of each model."""

    ids: dict[type[Model] | str, int]
    password: str
    now: datetime
    units: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    portfolio: list[dict[str, Any]] = field(default_factory=list)
    region_of: dict[int, int] = field(default_factory=dict)

    def next(self, key: type[Model] | str) -> int:
        self.ids[key] += 1
        return self.ids[key] - 1

    def unit(
        self, code: str, name: str, short: str, category: str, parent: int | None, parent_path: str
    ) -> int:
        uid = self.next(Unit)
        # The region (lib/regions.py): a district-level unit or a root is its own, others their parent's.
        region = uid if category == "district" or parent is None else self.region_of[parent]
        self.region_of[uid] = region
        full, initials = pinyin_forms(name) if parent is not None else ("", "")
        sf, si = pinyin_forms(short) if short and parent is not None else ("", "")
        self.units.append(
            {
                "id": uid,
                "code": code,
                "name": name,
                "short_name": short,
                "category": category,
                "parent_id": parent,
                "path": child_path(parent_path, uid),
                "region_id": region,
                "depth": len(path_ids(parent_path)),
                "pinyin": f"{full} {sf}".strip(),
                "initials": f"{initials} {si}".strip(),
            }
        )
        return uid

    def person(self, name: str, username: str, unit_id: int, title: str, role: str) -> int:
        uid, pid, post_id = self.next("user"), self.next(Person), self.next(Post)
        self.users.append(
            {
                "id": uid,
                "password": self.password,
                "username": username,
                "first_name": name,
                "date_joined": self.now,
            }
        )
        self.people.append({"id": pid, "user_id": uid, "name": name})
        self.posts.append(
            {
                "id": post_id,
                "unit_id": unit_id,
                "title": title,
                "role": role,
                "senior": role in ("head", "leader"),
            }
        )
        self.members.append(
            {"id": self.next(Membership), "person_id": pid, "post_id": post_id, "start": date(2020, 1, 1)}
        )
        return pid


def generate(
    *,
    scale: str,
    seed: int = 1,
    today: date | None = None,
    log: Callable[[str], None] = print,
) -> Stats:
    """Fill the database with `scale` regions of data; refuses to run on a database that has plans."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    if Plan.objects.exists():
        raise RuntimeError("the database already has plans; bench-data fills an empty database")
    today = today or date.today()
    stats = Stats()
    rnd = random.Random(seed)
    User = get_user_model()
    ids: dict[type[Model] | str, int] = {
        m: next_id(m) for m in (Unit, Person, Post, Membership, PortfolioUnit, Plan, Task, Report)
    }
    ids["user"] = next_id(User)
    now = datetime.now(UTC)
    org = _Org(ids, make_password(PASSWORD), now)
    province_id = org.unit("BENCH", "基准测试省", "基准省", "district", None, UNIT_ROOT)
    region_units = [_region(org, r, province_id) for r in range(SCALES[scale])]
    with transaction.atomic():
        _write(stats, "units", Unit, org.units)
        _write(stats, "users", User, org.users)
        _write(stats, "people", Person, org.people)
        _write(stats, "posts", Post, org.posts)
        _write(stats, "memberships", Membership, org.members)
        _write(stats, "portfolio", PortfolioUnit, org.portfolio)
    log(f"organisation: {len(org.units)} units, {len(org.users)} users")
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    for r, reg in enumerate(region_units):
        plan_id = reg["plan_id"] = org.next(Plan)
        with transaction.atomic():
            plan = {
                "id": plan_id,
                "name": f"{reg['code']} {today.year}年度目标任务",
                "year": today.year,
                "start": year_start,
                "due": year_end,
                "owner_unit_id": reg["root"],
                "green_max": Decimal(5),
                "yellow_max": Decimal(15),
                "progress_cap": Decimal(120),
                "cadence": "monthly",
                "grace_days": 3,
                "cascade_days": 2,
                "head_approval": False,
                "claim_evidence": False,
                "created": now,
            }
            write_rows(Plan, *model_rows(Plan, [plan]))
            rows, leaves = _task_rows(rnd, reg, ids, year_start, year_end, today, now, TREES.get(scale, TREE))
            t0 = time.perf_counter()
            made = task_create_many(
                actor=None,
                plan=Plan.objects.get(pk=plan_id),
                rows=rows,
                batch=f"bench {reg['code']}",
                audit=False,
            )
            stats.add("tasks", len(made.tasks), t0)
            stats.add("task_units", len(made.rows["co_units"]), t0)
            stats.add("milestones", len(made.rows["milestones"]), t0)
            _write(stats, "reports", Report, _report_rows(rnd, leaves, reg, ids, today, now))
        if (r + 1) % 10 == 0 or r + 1 == len(region_units):
            log(
                f"region {r + 1}/{len(region_units)}: {stats.counts.get('tasks', 0)} tasks, "
                f"{stats.counts.get('reports', 0)} reports"
            )
    from .rectification import generate_rectification  # a round of ~500 problems per region

    generate_rectification(
        regions=region_units, ids=ids, scale=scale, today=today, now=now, stats=stats, log=log
    )
    for m in (Unit, Person, Post, Membership, PortfolioUnit, Plan, Task, TaskUnit, Milestone, Report, User):
        reset_sequence(m)
    # Key projects and dispatch meetings (issue 11), once the sequences are past the ids written
    # above: their carrying tasks take ids from them.
    from .projects import generate_projects

    generate_projects(
        stats=stats, rnd=rnd, regions=region_units, today=today, now=now, log=log, tiny=scale == "tiny"
    )
    supervision.generate(rnd=rnd, today=today, now=now, add=stats.add)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    # The tasks' known figures, as every path that makes a report known keeps them: one set-based
    # UPDATE over all tasks (after ANALYZE, so each task's lookup is an index scan).
    t0 = time.perf_counter()
    with transaction.atomic():
        figures_refresh()
    stats.add("known figures", Task.objects.count(), t0)
    return stats


def _region(org: _Org, r: int, province_id: int) -> dict[str, Any]:
    """One region's units, people and leaders' portfolios (rows in `org`)."""
    code = f"R{r:03d}"
    root_path = child_path(UNIT_ROOT, province_id)
    root = org.unit(code, f"第{r + 1}区", f"{r + 1}区", "district", province_id, root_path)
    rpath = child_path(root_path, root)
    units: dict[str, list[int]] = {"street": [], "department": [], "resident": [], "community": []}
    for i, name in enumerate(STREETS):
        sid = org.unit(f"{code}S{i:02d}", name, "", "zone", root, rpath)
        units["street"].append(sid)
        if i < 5:
            for c in range(2 if i < 4 else 1):
                units["community"].append(
                    org.unit(
                        f"{code}S{i:02d}C{c}",
                        f"{name}第{c + 1}社区",
                        "",
                        "community",
                        sid,
                        child_path(rpath, sid),
                    )
                )
    for i in range(70):
        name, short = DEPARTMENTS[i % len(DEPARTMENTS)]
        suffix = "" if i < len(DEPARTMENTS) else f"{i // len(DEPARTMENTS) + 1}"
        units["department"].append(
            org.unit(f"{code}D{i:02d}", f"{name}{suffix}", f"{short}{suffix}", "department", root, rpath)
        )
    for i, name in enumerate(RESIDENT):
        units["resident"].append(org.unit(f"{code}Z{i:02d}", f"{name}", "", "resident", root, rpath))
    office = org.unit(f"{code}DCS", "区委督查室", "督查室", "department", root, rpath)
    all_units = units["street"] + units["department"] + units["resident"] + units["community"]
    reporters: dict[int, int] = {}
    reporter_user: dict[int, int] = {}
    for u in all_units:
        reporter_user[u] = org.ids["user"]
        reporters[u] = org.person(f"填报员{u}", f"r{r}_tb_{u}", u, "联络员", "reporter")
        org.person(f"负责人{u}", f"r{r}_fz_{u}", u, "主要负责人", "head")
    leaders = []
    for i, title in enumerate(["区委书记", "区长", "常务副区长", "副区长", "副区长", "副区长", "副区长"]):
        leaders.append(org.person(f"{title}{r}-{i}", f"r{r}_ld_{i}", root, title, "leader"))
    for j, u in enumerate(units["department"] + units["street"]):
        org.portfolio.append({"id": org.next(PortfolioUnit), "leader_id": leaders[2 + j % 5], "unit_id": u})
    org.person(f"督查员{r}", f"r{r}_dc", office, "督查员", "officer")
    return {
        "root": root,
        "units": all_units,
        "reporters": reporters,
        "leaders": leaders,
        "reporter_user": reporter_user,
        "code": code,
    }


@dataclass
class Leaf:
    id: int
    unit: int
    start: date
    due: date
    cadence: str
    pace: float  # actual / expected ratio at the reporting dates
    skip_recent: int  # how many recent periods went unreported (late reports)
    measure: tuple[Decimal, Decimal, str] | None


def _task_rows(
    rnd: random.Random,
    reg: dict[str, Any],
    ids: dict[Any, int],
    year_start: date,
    year_end: date,
    today: date,
    now: datetime,
    tree: tuple[int, int, int, int, int],
) -> tuple[list[NewTask], list[Leaf]]:
    """A plan's tasks for `task_create_many` (ids given: they are known to the reports), and the
    tasks that report. `tree`: top-level groups, their subgroups, items per subgroup, how many of
    those items have subitems, subitems per such item."""
    rows: list[NewTask] = []
    leaves: list[Leaf] = []
    units = reg["units"]

    def add(parent: str, code: str, is_leaf: bool) -> str:
        """One task under the parent (a code, "" at the top); returns its code."""
        tid = ids[Task]
        ids[Task] += 1
        unit = rnd.choice(units)
        verb, obj = rnd.choice(VERBS), rnd.choice(OBJECTS)
        title = f"{verb}{obj}（{code}）"
        full, initials = pinyin_forms(verb + obj)
        start, due = year_start, year_end
        status, cadence = "in_progress", ""
        roll = rnd.random()
        if is_leaf:
            if roll < 0.02:
                start = today + timedelta(days=rnd.randint(5, 40))
                due = max(due, start + timedelta(days=30))
            elif roll < 0.06:
                due = today - timedelta(days=rnd.randint(3, 60))
            elif roll < 0.10:
                status = "closed"
            cadence = "weekly" if rnd.random() < 0.35 else ""
        measure = None
        metric: tuple[str, str, Decimal | None, Decimal | None, str] = ("", "", None, None, "higher")
        if is_leaf and rnd.random() < 0.08:
            name, munit, direction = rnd.choice(METRICS)
            base = Decimal(rnd.randint(50, 500))
            target = base * Decimal("1.1") if direction == "higher" else base * Decimal("0.9")
            target = target.quantize(Decimal("0.0001"))
            metric = (name, munit, base, target, direction)
            measure = (base, target, direction)
        values = {
            "id": tid,
            "responsible_leader_id": rnd.choice(reg["leaders"]),
            "responsible_person_id": reg["reporters"][unit],
            "cadence": cadence,
            "is_public": rnd.random() < 0.1,
            "status": status,
            **dict(
                zip(("metric_name", "metric_unit", "baseline", "target", "direction"), metric, strict=True)
            ),
            "created": now,
            "updated": now,
            "search_text": f"{title} {code} {full} {initials}".lower(),
        }
        co_units: list[int] = []
        if rnd.random() < 0.3:
            co_units = [co for co in rnd.sample(units, rnd.randint(1, 2)) if co != unit]
        milestones: list[dict[str, Any]] = []
        if is_leaf and rnd.random() < 0.2 and start < due:
            span = (due - start).days
            for k in range(rnd.randint(2, 3)):
                mdue = start + timedelta(days=span * (k + 1) // 4)
                met = (
                    mdue - timedelta(days=rnd.randint(0, 10))
                    if mdue < today and rnd.random() < 0.85
                    else None
                )
                milestones.append({"title": f"节点{k + 1}", "due": mdue, "met_on": met, "sort": k})
        rows.append(NewTask(code, title, unit, start, due, parent, co_units, milestones, values))
        if not is_leaf:
            # Parents report too (their owners summarise), but their progress is the children's rollup.
            leaves.append(Leaf(tid, unit, start, due, "monthly", 1.0, 0, None))
        else:
            band = rnd.random()
            pace = (
                rnd.uniform(0.95, 1.15)
                if band < 0.70
                else rnd.uniform(0.75, 0.92)
                if band < 0.85
                else rnd.uniform(0.2, 0.7)
            )
            leaves.append(
                Leaf(
                    tid,
                    unit,
                    start,
                    due,
                    cadence or "monthly",
                    pace,
                    1 if rnd.random() < 0.08 else 0,
                    measure,
                )
            )
        return code

    groups, subgroups, items, deep_items, subitems = tree
    for g in range(groups):
        gcode = add("", f"{g + 1}", False)
        for d in range(subgroups):
            dcode = add(gcode, f"{g + 1}.{d + 1}", False)
            for k in range(items):
                deep = k < deep_items
                kcode = add(dcode, f"{g + 1}.{d + 1}.{k + 1}", not deep)
                if deep:
                    for j in range(subitems):
                        add(kcode, f"{g + 1}.{d + 1}.{k + 1}.{j + 1}", True)
    return rows, leaves


def _report_rows(
    rnd: random.Random,
    leaves: list[Leaf],
    reg: dict[str, Any],
    ids: dict[Any, int],
    today: date,
    now: datetime,
) -> Iterator[dict[str, Any]]:
    for leaf in leaves:
        if leaf.start > today:
            continue
        periods = rules.periods_between(leaf.cadence, leaf.start, min(today, leaf.due))
        if leaf.skip_recent:
            periods = periods[: -1 - leaf.skip_recent] if len(periods) > 1 + leaf.skip_recent else []
        author = reg["reporter_user"][leaf.unit]
        for p in periods:
            # Filed 0–3 days after the period's end, as in life; one not filed yet by `today` is left
            # out (a year-end `today` is not the day every December report was entered).
            reported_on = p + timedelta(days=rnd.randint(0, 3))
            if reported_on > today:
                continue
            expected = rules.expected_by_time(leaf.start, leaf.due, p)
            pct = min(Decimal(100), (expected * Decimal(str(round(leaf.pace, 3)))).quantize(Decimal("0.01")))
            value = None
            if leaf.measure is not None:
                base, target, direction = leaf.measure
                value = (base + (target - base) * pct / Decimal(100)).quantize(Decimal("0.0001"))
            rid = ids[Report]
            ids[Report] += 1
            yield {
                "id": rid,
                "task_id": leaf.id,
                "unit_id": leaf.unit,
                "author_id": author,
                "period_end": p,
                "reported_on": reported_on,
                "filed_on": reported_on,
                "known_on": reported_on,
                "percent": pct,
                "value": value,
                "narrative": "按计划推进",
                "state": "submitted",
                "approved_by_id": author,
                "approved_at": now,
                "created": now,
            }
