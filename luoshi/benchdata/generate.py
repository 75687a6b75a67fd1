"""Deterministic benchmark data shaped like the demo district, at district, city or province scale.

Each region (county/district) gets ~100 units, ~200 people in posts, one annual plan of ~3,000
tasks in trees 3–4 levels deep, milestones, measures and a year of reports up to `today`
(about 20 a task: monthly for most, weekly for a third of them), with the demo's spread of
lags, late reports, closed and not-yet-started tasks. Rows go in by COPY on PostgreSQL.
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

from luoshi.lib.bulk import next_id, reset_sequence, write_rows
from luoshi.lib.natural import sort_path
from luoshi.lib.text import pinyin_forms
from luoshi.org.models import Membership, Person, PortfolioUnit, Post, Unit
from luoshi.work import rules
from luoshi.work.models import Milestone, Plan, Report, Task, TaskUnit

SCALES = {"district": 1, "city": 10, "province": 100}
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


def _write(stats: Stats, name: str, model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    t0 = time.perf_counter()
    stats.counts[name] = stats.counts.get(name, 0) + write_rows(model, columns, rows)
    stats.seconds[name] = stats.seconds.get(name, 0.0) + time.perf_counter() - t0


def generate(
    *, scale: str, seed: int = 1, today: date | None = None, log: Callable[[str], None] = print
) -> Stats:
    """Fill the database with `scale` regions of data; refuses to run on a database that has plans."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    if Plan.objects.exists():
        raise RuntimeError("the database already has plans; bench-data fills an empty database")
    today = today or date.today()
    stats = Stats()
    regions = SCALES[scale]
    rnd = random.Random(seed)
    password = make_password(PASSWORD)
    User = get_user_model()
    # The next free id of each model, and of the user model under the key "user".
    ids: dict[type[Model] | str, int] = {
        m: next_id(m)
        for m in (Unit, Person, Post, Membership, PortfolioUnit, Plan, Task, TaskUnit, Milestone, Report)
    }
    ids["user"] = next_id(User)
    now = datetime.now(UTC)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)

    province_id = ids[Unit]
    ids[Unit] += 1
    unit_rows: list[tuple[Any, ...]] = [
        (
            province_id,
            "BENCH",
            "基准测试省",
            "基准省",
            "",
            "district",
            None,
            f"/{province_id}/",
            0,
            0,
            "",
            "",
            True,
        )
    ]
    people: list[tuple[Any, ...]] = []
    users: list[tuple[Any, ...]] = []
    posts: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    portfolio: list[tuple[Any, ...]] = []
    region_units: list[dict[str, Any]] = []

    def add_unit(
        code: str, name: str, short: str, category: str, parent: int, parent_path: str, depth: int
    ) -> int:
        uid = ids[Unit]
        ids[Unit] += 1
        full, initials = pinyin_forms(name)
        sf, si = pinyin_forms(short) if short else ("", "")
        unit_rows.append(
            (
                uid,
                code,
                name,
                short,
                "",
                category,
                parent,
                f"{parent_path}{uid}/",
                depth,
                0,
                f"{full} {sf}".strip(),
                f"{initials} {si}".strip(),
                True,
            )
        )
        return uid

    def add_person(name: str, username: str, unit_id: int, title: str, role: str) -> int:
        uid, pid, post_id, mid = ids["user"], ids[Person], ids[Post], ids[Membership]
        ids["user"] += 1
        ids[Person] += 1
        ids[Post] += 1
        ids[Membership] += 1
        users.append((uid, password, None, False, username, name, "", "", False, True, now))
        people.append((pid, uid, name, "", "", "", ""))
        posts.append((post_id, unit_id, title, role, role in ("head", "leader")))
        members.append((mid, pid, post_id, date(2020, 1, 1), None))
        return pid

    for r in range(regions):
        code = f"R{r:03d}"
        root_path = f"/{province_id}/"
        root = add_unit(code, f"第{r + 1}区", f"{r + 1}区", "district", province_id, root_path, 1)
        rpath = f"{root_path}{root}/"
        units: dict[str, list[int]] = {"street": [], "department": [], "resident": [], "community": []}
        for i, name in enumerate(STREETS):
            sid = add_unit(f"{code}S{i:02d}", name, "", "zone", root, rpath, 2)
            units["street"].append(sid)
            if i < 5:
                for c in range(2 if i < 4 else 1):
                    units["community"].append(
                        add_unit(
                            f"{code}S{i:02d}C{c}",
                            f"{name}第{c + 1}社区",
                            "",
                            "community",
                            sid,
                            f"{rpath}{sid}/",
                            3,
                        )
                    )
        for i in range(70):
            name, short = DEPARTMENTS[i % len(DEPARTMENTS)]
            suffix = "" if i < len(DEPARTMENTS) else f"{i // len(DEPARTMENTS) + 1}"
            units["department"].append(
                add_unit(
                    f"{code}D{i:02d}", f"{name}{suffix}", f"{short}{suffix}", "department", root, rpath, 2
                )
            )
        for i, name in enumerate(RESIDENT):
            units["resident"].append(add_unit(f"{code}Z{i:02d}", f"{name}", "", "resident", root, rpath, 2))
        office = add_unit(f"{code}DCS", "区委督查室", "督查室", "department", root, rpath, 2)
        all_units = units["street"] + units["department"] + units["resident"] + units["community"]
        reporters: dict[int, int] = {}
        reporter_user: dict[int, int] = {}
        for u in all_units:
            reporter_user[u] = ids["user"]
            reporters[u] = add_person(f"填报员{u}", f"r{r}_tb_{u}", u, "联络员", "reporter")
            add_person(f"负责人{u}", f"r{r}_fz_{u}", u, "主要负责人", "head")
        leaders = []
        for i, title in enumerate(["区委书记", "区长", "常务副区长", "副区长", "副区长", "副区长", "副区长"]):
            pid = add_person(f"{title}{r}-{i}", f"r{r}_ld_{i}", root, title, "leader")
            leaders.append(pid)
        for j, u in enumerate(units["department"] + units["street"]):
            portfolio.append((ids[PortfolioUnit], leaders[2 + j % 5], u))
            ids[PortfolioUnit] += 1
        add_person(f"督查员{r}", f"r{r}_dc", office, "督查员", "officer")
        region_units.append(
            {
                "root": root,
                "units": all_units,
                "reporters": reporters,
                "leaders": leaders,
                "reporter_user": reporter_user,
                "code": code,
            }
        )

    unit_cols = [
        "id",
        "code",
        "name",
        "short_name",
        "aliases",
        "category",
        "parent_id",
        "path",
        "depth",
        "sort",
        "pinyin",
        "initials",
        "is_active",
    ]
    with transaction.atomic():
        _write(stats, "units", Unit, unit_cols, unit_rows)
        user_cols = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ]
        _write(stats, "users", User, user_cols, users)
        _write(
            stats,
            "people",
            Person,
            ["id", "user_id", "name", "phone", "card_no", "pinyin", "initials"],
            people,
        )
        _write(stats, "posts", Post, ["id", "unit_id", "title", "role", "senior"], posts)
        _write(stats, "memberships", Membership, ["id", "person_id", "post_id", "start", "end"], members)
        _write(stats, "portfolio", PortfolioUnit, ["id", "leader_id", "unit_id"], portfolio)
    log(f"organisation: {len(unit_rows)} units, {len(users)} users")

    task_cols = [
        "id",
        "plan_id",
        "parent_id",
        "path",
        "depth",
        "sort_path",
        "code",
        "title",
        "description",
        "source",
        "source_ref",
        "lead_unit_id",
        "responsible_leader_id",
        "responsible_person_id",
        "start",
        "due",
        "deadline_text",
        "weight",
        "cadence",
        "is_public",
        "status",
        "claimed_by_id",
        "metric_name",
        "metric_unit",
        "baseline",
        "target",
        "direction",
        "monthly_plan",
        "actual_pct",
        "expected_pct",
        "light",
        "light_on",
        "slack_days",
        "last_report_on",
        "report_late",
        "version",
        "created",
        "updated",
        "search_text",
    ]
    report_cols = [
        "id",
        "task_id",
        "unit_id",
        "author_id",
        "period_end",
        "reported_on",
        "percent",
        "value",
        "narrative",
        "problems",
        "next_steps",
        "no_change",
        "corrects_id",
        "state",
        "approved_by_id",
        "approved_at",
        "return_reason",
        "created",
        "previous_figure",
        "warnings",
        "warnings_acknowledged",
    ]
    for r, reg in enumerate(region_units):
        plan_id = ids[Plan]
        ids[Plan] += 1
        with transaction.atomic():
            write_rows(
                Plan,
                [
                    "id",
                    "name",
                    "year",
                    "start",
                    "due",
                    "owner_unit_id",
                    "green_max",
                    "yellow_max",
                    "progress_cap",
                    "cadence",
                    "grace_days",
                    "cascade_days",
                    "head_approval",
                    "claim_evidence",
                    "is_active",
                    "created",
                ],
                [
                    (
                        plan_id,
                        f"{reg['code']} {today.year}年度目标任务",
                        today.year,
                        year_start,
                        year_end,
                        reg["root"],
                        Decimal(5),
                        Decimal(15),
                        Decimal(120),
                        "monthly",
                        3,
                        2,
                        False,
                        False,
                        True,
                        now,
                    )
                ],
            )
            tasks, task_units, milestones, leaves = _task_rows(
                rnd, plan_id, reg, ids, year_start, year_end, today, now
            )
            _write(stats, "tasks", Task, task_cols, tasks)
            _write(stats, "task_units", TaskUnit, ["id", "task_id", "unit_id"], task_units)
            milestone_cols = ["id", "task_id", "title", "due", "duration_days", "met_on", "sort"]
            _write(stats, "milestones", Milestone, milestone_cols, milestones)
            _write(stats, "reports", Report, report_cols, _report_rows(rnd, leaves, reg, ids, today, now))
        if (r + 1) % 10 == 0 or r + 1 == len(region_units):
            log(
                f"region {r + 1}/{len(region_units)}: {stats.counts.get('tasks', 0)} tasks, "
                f"{stats.counts.get('reports', 0)} reports"
            )
    for m in (Unit, Person, Post, Membership, PortfolioUnit, Plan, Task, TaskUnit, Milestone, Report, User):
        reset_sequence(m)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return stats


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
    plan_id: int,
    reg: dict[str, Any],
    ids: dict[Any, int],
    year_start: date,
    year_end: date,
    today: date,
    now: datetime,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[Leaf]]:
    tasks: list[tuple[Any, ...]] = []
    task_units: list[tuple[Any, ...]] = []
    milestones: list[tuple[Any, ...]] = []
    leaves: list[Leaf] = []
    units = reg["units"]

    def add(
        parent: int | None, parent_path: tuple[str, str], depth: int, code: str, is_leaf: bool
    ) -> tuple[int, tuple[str, str]]:
        """One task under the parent's (id path, sort path); returns its id and its own two paths."""
        tid = ids[Task]
        ids[Task] += 1
        path = f"{parent_path[0]}{tid}/"
        sorted_at = sort_path(parent_path[1], code, tid)
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
        tasks.append(
            (
                tid,
                plan_id,
                parent,
                path,
                depth,
                sorted_at,
                code,
                title,
                "",
                "target",
                "",
                unit,
                rnd.choice(reg["leaders"]),
                reg["reporters"][unit],
                start,
                due,
                "",
                Decimal(1),
                cadence,
                rnd.random() < 0.1,
                status,
                None,
                metric[0],
                metric[1],
                metric[2],
                metric[3],
                metric[4],
                {},
                Decimal(0),
                Decimal(0),
                "not_started",
                None,
                None,
                None,
                False,
                1,
                now,
                now,
                f"{title} {code} {full} {initials}".lower(),
            )
        )
        if rnd.random() < 0.3:
            for co in rnd.sample(units, rnd.randint(1, 2)):
                if co != unit:
                    task_units.append((ids[TaskUnit], tid, co))
                    ids[TaskUnit] += 1
        if is_leaf and rnd.random() < 0.2 and start < due:
            span = (due - start).days
            for k in range(rnd.randint(2, 3)):
                mdue = start + timedelta(days=span * (k + 1) // 4)
                met = (
                    mdue - timedelta(days=rnd.randint(0, 10))
                    if mdue < today and rnd.random() < 0.85
                    else None
                )
                milestones.append((ids[Milestone], tid, f"节点{k + 1}", mdue, None, met, k))
                ids[Milestone] += 1
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
        return tid, (path, sorted_at)

    for g in range(20):
        gid, gpath = add(None, (f"/p{plan_id}/", ""), 0, f"{g + 1}", False)
        for d in range(6):
            did, dpath = add(gid, gpath, 1, f"{g + 1}.{d + 1}", False)
            for k in range(11):
                deep = k < 3
                kid, kpath = add(did, dpath, 2, f"{g + 1}.{d + 1}.{k + 1}", not deep)
                if deep:
                    for j in range(4):
                        add(kid, kpath, 3, f"{g + 1}.{d + 1}.{k + 1}.{j + 1}", True)
    return tasks, task_units, milestones, leaves


def _report_rows(
    rnd: random.Random,
    leaves: list[Leaf],
    reg: dict[str, Any],
    ids: dict[Any, int],
    today: date,
    now: datetime,
) -> Iterator[tuple[Any, ...]]:
    for leaf in leaves:
        if leaf.start > today:
            continue
        periods = rules.periods_between(leaf.cadence, leaf.start, min(today, leaf.due))
        if leaf.skip_recent:
            periods = periods[: -1 - leaf.skip_recent] if len(periods) > 1 + leaf.skip_recent else []
        author = reg["reporter_user"][leaf.unit]
        for p in periods:
            reported_on = min(p + timedelta(days=rnd.randint(0, 3)), today)
            expected = rules.expected_by_time(leaf.start, leaf.due, p)
            pct = min(Decimal(100), (expected * Decimal(str(round(leaf.pace, 3)))).quantize(Decimal("0.01")))
            value = None
            if leaf.measure is not None:
                base, target, direction = leaf.measure
                value = (base + (target - base) * pct / Decimal(100)).quantize(Decimal("0.0001"))
            rid = ids[Report]
            ids[Report] += 1
            yield (
                rid,
                leaf.id,
                leaf.unit,
                author,
                p,
                reported_on,
                pct,
                value,
                "按计划推进",
                "",
                "",
                False,
                None,
                "submitted",
                author,
                now,
                "",
                now,
                None,
                [],
                False,
            )
