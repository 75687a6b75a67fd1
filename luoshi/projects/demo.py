"""The demo district's key projects (重点项目): about forty across the 七个一批 stages, with stage dates
(some planned dates passed unmet), this year's plan and monthly investment (some lagging), the four
owners (四包一) as posts, and problem lists, a few already turned into tasks. Deterministic for a
given day; built through the services, as an office would enter them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from luoshi.org.models import Post, Role

from . import rules, services
from .models import Category

# (name, category, lead unit code, location zone code, stage reached, total investment in 万元)
PROJECTS: list[tuple[str, str, str, str, str, int]] = [
    ("临江新能源汽车零部件产业园", Category.INDUSTRY, "JKQ", "JKQ", "building", 450000),
    ("高新区集成电路封装测试基地", Category.INDUSTRY, "GXQ", "GXQ", "started", 320000),
    ("综保区跨境电商智慧物流中心", Category.INDUSTRY, "ZBQ", "ZBQ", "producing", 86000),
    ("生物医药创新孵化园二期", Category.INDUSTRY, "GXQ", "GXQ", "landed", 150000),
    ("智能装备制造产业基地", Category.INDUSTRY, "JKQ", "JKQ", "signed", 210000),
    ("光电子信息产业园", Category.INDUSTRY, "GXQ", "GXQ", "inviting", 180000),
    ("绿色建材产业园", Category.INDUSTRY, "JKQ", "JKQ", "packaged", 60000),
    ("临江港多式联运物流园", Category.INDUSTRY, "ZBQ", "ZBQ", "building", 240000),
    ("数字经济产业大厦", Category.INDUSTRY, "XCJD", "XCJD", "reached", 52000),
    ("冷链食品加工产业园", Category.INDUSTRY, "QSZ", "QSZ", "producing", 45000),
    ("氢能装备研发制造项目", Category.INDUSTRY, "JKQ", "JKQ", "inviting", 130000),
    ("工业互联网创新中心", Category.INDUSTRY, "GXQ", "GXQ", "signed", 38000),
    ("滨江总部经济区", Category.INDUSTRY, "JBJD", "JBJD", "started", 260000),
    ("航空航天新材料项目", Category.INDUSTRY, "JKQ", "JKQ", "packaged", 95000),
    ("临江大道快速化改造工程", Category.INFRASTRUCTURE, "JTJ", "XCJD", "building", 380000),
    ("城市轨道交通3号线临江段", Category.INFRASTRUCTURE, "JTJ", "HXJD", "building", 920000),
    ("江滨污水处理厂扩建工程", Category.INFRASTRUCTURE, "SWJ", "JBJD", "started", 76000),
    ("青山片区供水管网改造", Category.INFRASTRUCTURE, "SWJ", "QSZ", "producing", 21000),
    ("望湖大桥新建工程", Category.INFRASTRUCTURE, "JTJ", "WHJD", "landed", 160000),
    ("5G网络与数据中心建设", Category.INFRASTRUCTURE, "JXJ", "GXQ", "building", 88000),
    ("城区老旧燃气管网更新", Category.INFRASTRUCTURE, "ZJJ", "XCJD", "started", 34000),
    ("临江港区疏港公路", Category.INFRASTRUCTURE, "JTJ", "ZBQ", "signed", 140000),
    ("河西防洪堤提标改造", Category.INFRASTRUCTURE, "SWJ", "HXJD", "packaged", 52000),
    ("新能源汽车充电网络", Category.INFRASTRUCTURE, "FGJ", "XCJD", "reached", 18000),
    ("区人民医院新院区", Category.LIVELIHOOD, "WJW", "XCJD", "building", 210000),
    ("临江实验学校新校区", Category.LIVELIHOOD, "JYJ", "HXJD", "producing", 48000),
    ("江滨片区城市更新", Category.LIVELIHOOD, "ZJJ", "JBJD", "started", 330000),
    ("保障性租赁住房项目", Category.LIVELIHOOD, "ZJJ", "WHJD", "landed", 120000),
    ("全民健身中心", Category.LIVELIHOOD, "TYUJ", "WHJD", "signed", 36000),
    ("养老服务综合体", Category.LIVELIHOOD, "MZJ", "HXJD", "inviting", 28000),
    ("望湖湿地公园提升工程", Category.LIVELIHOOD, "WLJ", "WHJD", "producing", 24000),
    ("青山镇乡村振兴示范片", Category.LIVELIHOOD, "NYJ", "QSZ", "building", 42000),
    ("老旧小区改造（2024年批）", Category.LIVELIHOOD, "ZJJ", "XCJD", "reached", 26000),
    ("区图书馆文化馆新馆", Category.LIVELIHOOD, "WLJ", "XCJD", "packaged", 40000),
    ("政务服务一网通办平台", Category.REFORM, "ZSJ", "XCJD", "producing", 8000),
    ("企业投资项目承诺制改革试点", Category.REFORM, "FGJ", "JKQ", "building", 5000),
    ("数字孪生城市平台", Category.REFORM, "ZSJ", "GXQ", "signed", 15000),
    ("工业用地标准地出让改革", Category.REFORM, "ZRJ", "JKQ", "started", 3000),
    ("科技成果转化中心", Category.REFORM, "KJJ", "GXQ", "landed", 12000),
    ("营商环境综合服务中心", Category.REFORM, "SJJ", "XCJD", "inviting", 6000),
]

DEMO_BOUNDARY = Path(__file__).resolve().parent / "data" / "demo_boundary.geojson"

# Where each zone is on the map (a point near its centre, degrees), for the projects' locations.
CENTRES: dict[str, tuple[float, float]] = {
    "JKQ": (30.655, 114.105),
    "GXQ": (30.650, 114.175),
    "ZBQ": (30.690, 114.140),
    "JBJD": (30.650, 114.200),
    "XCJD": (30.615, 114.140),
    "HXJD": (30.615, 114.115),
    "WHJD": (30.630, 114.085),
    "QSZ": (30.700, 114.060),
}

PROBLEMS = (
    "用地指标尚未落实",
    "环评批复进度滞后",
    "施工图审查未通过",
    "征地拆迁遗留问题",
    "电力接入方案待审批",
    "资金拨付不及时",
)


def _head_post(unit: Any) -> Post | None:
    return Post.objects.filter(unit=unit, role=Role.HEAD).order_by("pk").first()


def _leader_post(builder: Any, unit_code: str) -> Post | None:
    username = builder.leader_of.get(unit_code)
    person = builder.persons.get(username) if username else None
    if person is None:
        return None
    return Post.objects.filter(memberships__person=person, role=Role.LEADER).order_by("pk").first()


def build(builder: Any) -> None:
    """Create the demo district's key projects as of `builder.today` (the demo's Builder)."""
    today: date = builder.today
    year = today.year
    rng = builder.rng
    officer = builder.users["ducha1"]
    units = builder.units
    chosen = PROJECTS[::3] if builder.small else PROJECTS
    dept_head = _head_post(units["FGJ"])
    made = 0
    for n, (name, category, lead, zone, stage, total) in enumerate(chosen, 1):
        lat, lng = CENTRES[zone]
        reached = rules.stage_index(stage)
        # Stage dates walk back from a recent day: one stage every 40-120 days.
        met: list[date] = []
        day = today - timedelta(days=rng.randint(3, 150) if n % 7 else rng.randint(100, 200))
        for _i in range(reached + 1):
            met.append(day)
            day -= timedelta(days=rng.randint(40, 120))
        met.reverse()
        planned = {rules.STAGES[i]: met[i] - timedelta(days=rng.randint(-20, 10)) for i in range(reached + 1)}
        if reached + 1 < len(rules.STAGES):
            # The next stage: planned ahead, or (one project in five) already passed unmet.
            ahead = rng.randint(-45, -5) if n % 5 == 0 else rng.randint(20, 200)
            planned[rules.STAGES[reached + 1]] = today + timedelta(days=ahead)
        annual = Decimal(total) * Decimal(rng.choice((15, 20, 25, 30, 40))) / 100
        project = services.project_create(
            actor=officer,
            name=name,
            code=f"{year}-ZD{n:03d}",
            category=category,
            lead_unit=units[lead],
            lat=round(lat + rng.uniform(-0.018, 0.018), 6),
            lng=round(lng + rng.uniform(-0.022, 0.022), 6),
            protected=n % 4 == 0,
            total_investment=total,
            year=year,
            annual_plan=annual.quantize(Decimal("1")),
            planned=planned,
        )
        for i in range(reached + 1):
            if met[i] <= today:
                services.stage_met(
                    actor=officer, project=project, stage=rules.STAGES[i], met=met[i], note="按月调度核实"
                )
        # Monthly investment up to last month: most on plan, one in four lagging.
        pace = Decimal(rng.choice((0.55, 0.6)) if n % 4 == 1 else rng.choice((0.95, 1.0, 1.05, 1.1)))
        for month in range(1, today.month):
            share = annual / 12 * pace * Decimal(rng.uniform(0.8, 1.2))
            services.investment_report(
                actor=officer,
                project=project,
                month=date(year, month, 1),
                amount=share.quantize(Decimal("0.01")),
            )
        owners = {
            "leader": _leader_post(builder, lead),
            "manager": _head_post(units[lead]),
            "local_head": _head_post(units[zone]),
            "department_head": dept_head,
        }
        for role, post in owners.items():
            if post is not None:
                services.owner_assign(actor=officer, project=project, role=role, post=post)
        if n % 3 == 0:
            problem = services.problem_add(
                actor=officer,
                project=project,
                title=PROBLEMS[n % len(PROBLEMS)],
                owner_unit=units[rng.choice(("ZRJ", "STJ", "ZJJ", "FGJ", "CZJ"))],
                deadline=today + timedelta(days=rng.randint(15, 60)),
            )
            if n % 6 == 0:
                services.problem_to_task(actor=officer, problem=problem, plan=builder.annual, start=today)
        made += 1
    builder.counts["projects"] = made
    # Each project is followed through its carrying task (项目推进任务) in the annual plan, by which
    # the dispatch meetings' agendas raise it.
    builder.counts["project_tasks"] = len(
        services.project_tasks_ensure(actor=officer, plan=builder.annual, start=today)
    )
    # The map's outline: the demo district is imaginary, so it borrows the outline of Wuhan's 东西湖区
    # (DataV GeoAtlas via zhChuXiao/ChinaGeoJson, as in the shared samples), inside which its points lie.
    services.boundary_set(
        actor=officer, name="示范区边界（借用武汉市东西湖区轮廓）", data=DEMO_BOUNDARY.read_bytes()
    )
