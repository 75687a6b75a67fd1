"""Load the demo district (演示区) through the real services, deterministically.

The same `today` gives the same district, tasks, reports and lights: every random choice
comes from one seeded `random.Random`, and events are replayed in date order. Each leaf task
gets a story (scenario) — on track, lagging, far behind, overdue, closed, not yet started,
claimed, claim rejected, a missed milestone — and its reports are written so that the light
the engine computes on `today` is the one the story says. Reports older than the last four
months are bulk-loaded as an imported ledger (历史台账) with one summarising audit entry;
the last four months go through `report_submit`, `report_approve`, the claim/confirm/reject
services and the milestone claim/confirm services, so queues and the audit trail are real.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from luoshi.alerts import demo as alerts_demo
from luoshi.appeals import demo as appeals_demo
from luoshi.assessment import demo as assessment_demo
from luoshi.audit import demo as audit_demo
from luoshi.audit.actions import ACTIONS
from luoshi.audit.services import record
from luoshi.benchmark import demo as benchmark_demo
from luoshi.identity import demo as identity_demo
from luoshi.learning import demo as learning_demo
from luoshi.org.models import Person, Role, Unit, UnitCategory
from luoshi.org.services import membership_start, person_create, portfolio_set, post_create, unit_create
from luoshi.portal import demo as portal_demo
from luoshi.projects import demo as projects_demo
from luoshi.ratings import demo as ratings_demo
from luoshi.rectification import demo as rectification_demo
from luoshi.supervision import demo as supervision_demo
from luoshi.work import rules
from luoshi.work.models import ClaimState, Plan, Report, ReportState, Task
from luoshi.work.selectors import compute_lights
from luoshi.work.services import (
    milestone_claim,
    milestone_confirm,
    plan_create,
    report_approve,
    report_return,
    report_submit,
    task_claim_approve,
    task_claim_completion,
    task_confirm_completion,
    task_create,
    task_reject_completion,
)
from luoshi.work.services.lights import figures_refresh, mark_late_reports, persist_lights, refresh_deferred

from . import data
from .clock import SimulatedClock, simulated_clock
from .data import TaskSpec

WINDOW_DAYS = 122  # reports younger than this go through the services ("four months")
CAMPAIGN_AGE = 38  # the 60-day campaign started this many days before today
TICK_WEEKS = 6  # weekly light counts before today, for the dashboard's trend chart
CN_NUM = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

# Leaf stories and how often they occur.
SCENARIOS = {
    "green": 50,
    "yellow": 12,
    "red": 9,
    "overdue": 6,
    "done": 9,
    "not_started": 5,
    "claimed": 3,
    "rejected": 3,
    "missed_ms": 3,
}
IN_PROGRESS_STORIES = ("green", "yellow", "red", "claimed", "rejected", "missed_ms")
LAG = {  # lag (expected − actual, percentage points) on `today`
    "green": (-6.0, 2.0),
    "yellow": (8.0, 12.0),
    "red": (20.0, 34.0),
    "claimed": (-8.0, -4.0),
    "rejected": (-3.0, 2.0),
    "missed_ms": (-4.0, 2.0),
    "overdue": (12.0, 30.0),
    "done": (-5.0, 0.0),
}
# Days a story needs between the task's start and today (closed after 20 days' work and 3 days
# before today; overdue after a 14-day task ended more than 2 days ago; a claim after a report).
STORY_HISTORY = {"done": 23, "overdue": 24, "claimed": 7}
# Modifiers of in-progress stories: (name, probability).
MODIFIERS = (
    ("late_latest", 0.05),
    ("missed_mid", 0.05),
    ("filed_late", 0.06),
    ("pending_latest", 0.04),
    ("returned", 0.02),
    ("corrected", 0.03),
    ("no_change", 0.08),
)


@dataclass
class Node:
    spec: TaskSpec
    plan: str  # "annual" | "campaign"
    code: str
    depth: int
    parent: Node | None = None
    kids: list[Node] = field(default_factory=list)
    section: str = ""
    title: str = ""
    start: date = date.min
    due: date = date.min
    scenario: str = ""
    mods: set[str] = field(default_factory=set)
    close_on: date | None = None
    monthly_plan: dict[str, str] = field(default_factory=dict)
    milestones: list[tuple[str, date]] = field(default_factory=list)
    points: list[tuple[date, float]] = field(default_factory=list)  # (period end, planned pct)
    task: Task | None = None

    @property
    def leaf(self) -> bool:
        return not self.kids


@dataclass(order=True)
class Event:
    day: date
    seq: int
    run: Callable[[], Any] = field(compare=False)
    bulk: dict[str, Any] | None = field(default=None, compare=False)


class DemoError(Exception):
    pass


class Builder:
    def __init__(self, *, today: date, small: bool = False, log: Callable[[str], None] = print) -> None:
        self.today = today
        self.small = small
        self.log = log
        self.rng = random.Random(f"{data.SEED}:{today.isoformat()}:{int(small)}")
        self.year = today.year
        self.window_start = today - timedelta(days=WINDOW_DAYS)
        self.campaign_start = today - timedelta(days=CAMPAIGN_AGE)
        self.units: dict[str, Unit] = {}
        self.users: dict[str, Any] = {}
        self.persons: dict[str, Person] = {}
        self.leader_of: dict[str, str] = {}  # unit code -> leader username
        self.events: list[Event] = []
        self.seq = 0
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self._clock: SimulatedClock

    # -----------------------------------------------------------------------------------------
    # Organisation

    def _name(self) -> str:
        r = self.rng
        given = r.choice(data.GIVEN) + (r.choice(data.GIVEN) if r.random() < 0.7 else "")
        return r.choice(data.SURNAMES) + given

    def build_org(self) -> None:
        d = data
        mk = unit_create
        root = mk(
            actor=None,
            code=d.DISTRICT.code,
            name=d.DISTRICT.name,
            category=UnitCategory.DISTRICT,
            short_name=d.DISTRICT.short,
            audit=False,
        )
        self.units[root.code] = root
        gov = d.GOVERNMENT
        self.units[gov.code] = mk(
            actor=None,
            code=gov.code,
            name=gov.name,
            category=UnitCategory.OTHER,
            parent=root,
            short_name=gov.short,
            aliases=gov.aliases,
            sort=1,
            audit=False,
        )
        reporting: list[Unit] = []
        office = mk(
            actor=None,
            code=d.OFFICE.code,
            name=d.OFFICE.name,
            category=UnitCategory.DEPARTMENT,
            parent=root,
            short_name=d.OFFICE.short,
            aliases=d.OFFICE.aliases,
            sort=2,
            audit=False,
        )
        self.units[office.code] = office
        reporting.append(office)
        sort = 10
        groups = (
            (d.ZONES, UnitCategory.ZONE),
            (d.DEPARTMENTS, UnitCategory.DEPARTMENT),
            (d.RESIDENTS, UnitCategory.RESIDENT),
        )
        for specs, category in groups:
            for spec in specs:
                sort += 1
                u = mk(
                    actor=None,
                    code=spec.code,
                    name=spec.name,
                    category=category,
                    parent=root,
                    short_name=spec.short,
                    aliases=spec.aliases,
                    sort=sort,
                    audit=False,
                )
                self.units[u.code] = u
                reporting.append(u)
                for i, community in enumerate(spec.communities, start=1):
                    c = mk(
                        actor=None,
                        code=f"{spec.code}{i:02d}",
                        name=f"{spec.short}{community}",
                        category=UnitCategory.COMMUNITY,
                        parent=u,
                        short_name=community,
                        sort=i,
                        audit=False,
                    )
                    self.units[c.code] = c
                    reporting.append(c)

        User = get_user_model()
        pw = make_password(d.DEMO_PASSWORD)
        people: list[tuple[str, str, str, str, str, bool]] = []  # username, name, unit, title, role, senior
        for u in reporting:
            code = u.code.lower()
            people.append((f"{code}_tb", self._name(), u.code, "填报员", Role.REPORTER, False))
            senior = u.category != UnitCategory.COMMUNITY
            people.append((f"{code}_fz", self._name(), u.code, _head_title(u), Role.HEAD, senior))
        for ld in d.LEADERS:
            people.append((ld.username, ld.name, ld.unit, ld.title, Role.LEADER, True))
        for st in d.STAFF:
            people.append((st.username, st.name, st.unit, st.title, st.role, False))
        users = User.objects.bulk_create(
            [User(username=un, first_name=name, password=pw, is_active=True) for un, name, *_ in people]
        )
        users = list(User.objects.filter(username__in=[p[0] for p in people]))
        by_name = {x.username: x for x in users}
        start = date(self.year - 3, 1, 1)
        for i, (username, name, unit_code, title, role, senior) in enumerate(people):
            user = by_name[username]
            card = f"LJ{i + 1:06d}" if senior else ""
            person = person_create(actor=None, name=name, user=user, card_no=card, audit=False)
            post = post_create(
                actor=None, unit=self.units[unit_code], title=title, role=role, senior=senior, audit=False
            )
            membership_start(actor=None, person=person, post=post, start=start, audit=False)
            self.users[username] = user
            self.persons[username] = person
        for ld in d.LEADERS:
            portfolio_set(
                actor=None, leader=self.persons[ld.username], units=[self.units[c] for c in ld.portfolio]
            )
            for code in ld.portfolio:
                self.leader_of.setdefault(code, ld.username)
        record(
            None,
            "org.import.committed",
            object_type="org.unit",
            object_repr=d.DISTRICT.name,
            data={"source": "luoshi demo", "units": len(self.units), "people": len(people)},
        )
        self.counts["units"] = len(self.units)
        self.counts["people"] = len(people)

    # -----------------------------------------------------------------------------------------
    # Catalogue → nodes with dates and stories

    def _catalogue(self) -> tuple[list[Node], list[Node]]:
        annual: list[Node] = []
        economy = [data.ECONOMY[i] for i in (0, 2, 4, 8, 10)] if self.small else data.ECONOMY
        for i, spec in enumerate(economy, start=1):
            annual.append(self._node(spec, "annual", f"1.{i}", 0, None, "一、经济发展主要预期目标"))
        for s, (section, targets) in enumerate(data.WORK, start=2):
            chosen = targets[:1] if self.small else targets
            for i, spec in enumerate(chosen, start=1):
                annual.append(self._node(spec, "annual", f"{s}.{i}", 0, None, f"{CN_NUM[s - 1]}、{section}"))
        campaign: list[Node] = []
        chosen = data.CAMPAIGN[:2] if self.small else data.CAMPAIGN
        for i, spec in enumerate(chosen, start=1):
            campaign.append(self._node(spec, "campaign", f"G{i}", 0, None, "大干60天攻坚行动"))
        return annual, campaign

    def _node(
        self, spec: TaskSpec, plan: str, code: str, depth: int, parent: Node | None, section: str
    ) -> Node:
        node = Node(
            spec=spec, plan=plan, code=code, depth=depth, parent=parent, section=section, title=spec.title
        )
        kids = list(spec.kids)
        share = data.SHARES.get(spec.title)
        if share and not kids:
            template, codes = share
            codes = codes or tuple(c for c in spec.co if c in data.STREET_CODES) or data.STREET_CODES
            for c in codes:
                kids.append(data.T(f"{self.units[c].label}：{template}", c))
        for j, kid in enumerate(kids, start=1):
            node.kids.append(self._node(kid, plan, f"{code}.{j}", depth + 1, node, section))
        return node

    def _walk(self, nodes: list[Node]) -> list[Node]:
        out: list[Node] = []
        for n in nodes:
            out.append(n)
            out.extend(self._walk(n.kids))
        return out

    def _assign_stories(self, nodes: list[Node], plan: str) -> None:
        leaves = [n for n in self._walk(nodes) if n.leaf]
        names = list(SCENARIOS)
        weights = [SCENARIOS[k] for k in names]
        for n in leaves:
            n.scenario = self.rng.choices(names, weights)[0]
            if n.scenario == "missed_ms" and not n.spec.milestones:
                n.scenario = "green"
        # Every story at least twice (campaign: once), so every light shows in any run.
        need = 2 if plan == "annual" else 1
        for story in names:
            have = [n for n in leaves if n.scenario == story]
            pool = [
                n for n in leaves if n.scenario == "green" and (story != "missed_ms" or n.spec.milestones)
            ]
            self.rng.shuffle(pool)
            for n in pool[: max(0, need - len(have))]:
                n.scenario = story
        # Modifiers for running tasks; each at least once in the annual plan.
        running = [n for n in leaves if n.scenario in ("green", "yellow", "red")]
        for name, prob in MODIFIERS:
            if plan == "campaign" and name in ("pending_latest", "returned"):
                continue
            for n in running:
                if self.rng.random() < prob:
                    n.mods.add(name)
            if plan == "annual" and not any(name in n.mods for n in running) and running:
                self.rng.choice(running).mods.add(name)

    # Dates -------------------------------------------------------------------------------------

    def _hint_due(self, hint: str, plan_due: date) -> date:
        if not hint:
            return plan_due
        if hint.startswith("Q"):
            return rules.month_end(date(self.year, int(hint[1]) * 3, 1))
        return rules.month_end(date(self.year, int(hint), 1))

    def _dates(self, nodes: list[Node], plan_start: date, plan_due: date) -> None:
        r = self.rng
        today = self.today
        for n in reversed(self._walk(nodes)):  # children before parents
            if not n.leaf:
                n.start = min(k.start for k in n.kids)
                n.start = min(n.start, plan_start) if n.depth == 0 else n.start
                n.due = (
                    max([plan_due] + [k.due for k in n.kids]) if n.depth == 0 else max(k.due for k in n.kids)
                )
                continue
            start = plan_start
            if n.plan == "annual" and not n.spec.measure and r.random() < 0.3:
                start = plan_start + timedelta(days=r.randint(10, 75))
            due = min(self._hint_due(n.spec.due, plan_due), plan_due)
            s = self._feasible_story(n, start, plan_start, plan_due)
            if s != "not_started" and start > today:
                start = plan_start  # a story with a past has started by today
            if s in STORY_HISTORY and start + timedelta(days=STORY_HISTORY[s]) > today:
                start = plan_start
            if s in IN_PROGRESS_STORIES:
                if due < today + timedelta(days=10):
                    due = min(max(plan_due, today + timedelta(days=20)), plan_due)
            elif s == "overdue":
                if not (start + timedelta(days=20) <= due < today - timedelta(days=2)):
                    due = max(today - timedelta(days=r.randint(4, 20)), plan_start + timedelta(days=14))
            elif s == "not_started":
                start = today + timedelta(days=r.randint(5, 20))
                due = min(max(due, start + timedelta(days=30)), plan_due)
            elif s == "done":
                latest = min(due, today - timedelta(days=3))
                earliest = max(start + timedelta(days=20), self.window_start - timedelta(days=60))
                span = (latest - earliest).days
                n.close_on = earliest + timedelta(days=r.randint(0, span)) if span > 0 else latest
            if due - start < timedelta(days=14) or start > due:
                start = max(min(start, due - timedelta(days=14)), plan_start)  # inside the plan
            if n.close_on is not None and n.close_on <= start:
                n.close_on = start + timedelta(days=1)
            n.start, n.due = start, due
            n.milestones = self._milestone_dates(n)

    def _feasible_story(self, n: Node, start: date, plan_start: date, plan_due: date) -> str:
        """The leaf's story, or "green" when the plan is too young (or too old) on `today` for it:
        a task cannot be closed, overdue or claimed a few days into its plan, nor start after it."""
        s = n.scenario
        need = STORY_HISTORY.get(s, 0)
        if need and plan_start + timedelta(days=need) > self.today:
            s = "green"
        if s == "not_started" and plan_due - timedelta(days=14) <= self.today + timedelta(days=5):
            s = "green"
        if s != n.scenario:
            n.scenario = s
            n.mods.clear()
        return s

    def _milestone_dates(self, n: Node) -> list[tuple[str, date]]:
        titles = n.spec.milestones
        if not titles:
            return []
        span = (n.due - n.start).days
        k = len(titles)
        out = []
        for i, t in enumerate(titles, start=1):
            frac = 0.15 + 0.85 * (i - 1) / (k - 1) if k > 1 else 1.0
            frac = min(frac, 1.0) if i < k else 1.0
            out.append((t, n.start + timedelta(days=round(span * frac))))
        if n.scenario == "missed_ms" and not any(d < self.today for _, d in out):
            out[0] = (out[0][0], max(n.start + timedelta(days=1), self.today - timedelta(days=6)))
        return out

    def _monthly_plan(self, n: Node) -> dict[str, str]:
        m = n.spec.measure
        if not m or not m["plan"]:
            return {}
        out = {}
        for month in range(1, 13):
            key = f"{self.year:04d}-{month:02d}"
            if m["plan"] == "rate":
                out[key] = _fmt(m["target"])
            else:
                out[key] = _fmt(m["baseline"] + (m["target"] - m["baseline"]) * data.SEASONAL[month - 1])
        return out

    def _expected(self, n: Node, on: date) -> float:
        m = n.spec.measure
        if m and n.monthly_plan:
            return float(
                rules.expected_by_plan(
                    n.monthly_plan,
                    baseline=Decimal(str(m["baseline"])),
                    target=Decimal(str(m["target"])),
                    direction=m["direction"],
                    on=on,
                )
            )
        return float(rules.expected_by_time(n.start, n.due, on))

    # -----------------------------------------------------------------------------------------
    # Plans and tasks

    def create_plans(self) -> None:
        officer = self.users["ducha1"]
        office = self.units[data.OFFICE.code]
        y = self.year
        self.annual = plan_create(
            actor=officer,
            name=f"{y}年度目标任务",
            year=y,
            start=date(y, 1, 1),
            due=date(y, 12, 31),
            owner_unit=office,
            cadence="monthly",
            grace_days=3,
            cascade_days=1,
            head_approval=True,
        )
        c_start = self.campaign_start
        self.campaign = plan_create(
            actor=officer,
            name=f"“大干60天”攻坚行动（{c_start:%Y年%m月}）",
            year=c_start.year,
            start=c_start,
            due=c_start + timedelta(days=59),
            owner_unit=office,
            cadence="weekly",
            grace_days=2,
            cascade_days=1,
            head_approval=False,
        )
        annual, campaign = self._catalogue()
        self.nodes = {"annual": annual, "campaign": campaign}
        for key, plan in (("annual", self.annual), ("campaign", self.campaign)):
            roots = self.nodes[key]
            self._assign_stories(roots, key)
            self._dates(roots, plan.start, plan.due)
            for n in self._walk(roots):
                n.monthly_plan = self._monthly_plan(n)
        for key, plan in (("annual", self.annual), ("campaign", self.campaign)):
            for n in self._walk(self.nodes[key]):
                self._create_task(plan, n)

    def _create_task(self, plan: Plan, n: Node) -> None:
        lead = self.units[n.spec.lead]
        m = n.spec.measure
        fields: dict[str, Any] = {}
        if m:
            fields.update(
                metric_name=m["metric"],
                metric_unit=m["unit"],
                baseline=Decimal(_fmt(m["baseline"])),
                target=Decimal(_fmt(m["target"])),
                direction=m["direction"],
                monthly_plan=n.monthly_plan,
            )
        leader = (
            self.leader_of.get(n.spec.lead)
            or (self.leader_of.get(lead.parent.code) if lead.parent else None)
            or "quzhang"
        )
        n.task = task_create(
            actor=self.users["ducha1"],
            plan=plan,
            parent=n.parent.task if n.parent else None,
            title=n.title,
            code=n.code,
            description=f"所属板块：{n.section}" if n.depth == 0 else "",
            lead_unit=lead,
            co_units=[self.units[c] for c in n.spec.co if c != n.spec.lead],
            responsible_leader=self.persons[leader],
            responsible_person=self.persons[f"{n.spec.lead.lower()}_fz"],
            start=n.start,
            due=n.due,
            deadline_text=_deadline_text(n.due, plan.due),
            weight=Decimal(n.spec.weight),
            is_public=n.spec.public,
            milestones=n.milestones,
            **fields,
        )

    # -----------------------------------------------------------------------------------------
    # Stories → events

    def _at(self, day: date, run: Callable[[], Any], bulk: dict[str, Any] | None = None) -> None:
        self.seq += 1
        self.events.append(Event(day, self.seq, run, bulk))

    def _periods(self, n: Node, plan: Plan, until: date) -> list[tuple[date, date]]:
        """(period end, report deadline) of every period whose deadline passed before `until`."""
        cadence = plan.cadence
        out = []
        last = min(rules.period_end(cadence, n.due), until)
        for p in rules.periods_between(cadence, n.start, last):
            deadline = rules.report_due(
                p, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=n.depth
            )
            if deadline < until:
                out.append((p, deadline))
        return out

    def plan_stories(self) -> None:
        for key, plan in (("annual", self.annual), ("campaign", self.campaign)):
            walk = self._walk(self.nodes[key])
            for n in walk:
                if n.leaf:
                    self._leaf_story(n, plan)
            for n in reversed(walk):  # deepest parents first, from their children's points
                if not n.leaf:
                    self._parent_story(n, plan)

    def _value(self, n: Node, pct: float) -> dict[str, Any]:
        m = n.spec.measure
        if not m:
            return {"percent": Decimal(str(round(pct)))}
        b, t = m["baseline"], m["target"]
        v = b + (t - b) * pct / 100
        v = round(v) if abs(t - b) >= 100 else round(v, 4 if abs(t - b) < 1 else 2)
        return {"value": Decimal(_fmt(v))}

    def _text(self, lagging: bool) -> dict[str, str]:
        r = self.rng
        return {
            "narrative": r.choice(data.NARRATIVES),
            "problems": r.choice(data.PROBLEMS) if lagging else "",
            "next_steps": r.choice(data.NEXT_STEPS),
        }

    def _leaf_story(self, n: Node, plan: Plan) -> None:
        r = self.rng
        s = n.scenario
        unit = n.spec.lead.lower()
        reporter, head = f"{unit}_tb", f"{unit}_fz"
        if s == "not_started":
            return
        until = n.close_on if s == "done" and n.close_on else self.today
        periods = self._periods(n, plan, until)
        lo, hi = LAG[s]
        lag = r.uniform(lo, hi)
        lagging = s in ("yellow", "red", "overdue")
        skip: set[int] = set()
        late: set[int] = set()
        window = [i for i, (p, dl) in enumerate(periods) if dl >= self.window_start]
        if "late_latest" in n.mods and len(periods) >= 2:
            skip.add(len(periods) - 1)
        if "missed_mid" in n.mods and len(window) >= 3:
            skip.add(window[-2])
        if "filed_late" in n.mods and len(window) >= 3:
            late.add(window[-3])
        pct_prev = 0.0
        filed = [i for i in range(len(periods)) if i not in skip]
        last_i = filed[-1] if filed else None
        for i, (p, deadline) in enumerate(periods):
            if i in skip:
                continue
            is_last = i == last_i and s != "done"
            ref = self.today if is_last else p
            if s == "overdue" and is_last:
                ref = min(self.today, n.due)
            exp = self._expected(n, ref)
            pct = exp - lag - (0 if is_last else r.uniform(0, 2.5))
            pct = max(pct_prev, min(100.0, max(0.0, pct)))
            on = max(n.start, deadline - timedelta(days=r.randint(0, 2)))
            if i in late:
                nxt = periods[i + 1][1] if i + 1 < len(periods) else self.today
                on = min(
                    deadline + timedelta(days=r.randint(2, 6)),
                    nxt - timedelta(days=1),
                    self.today - timedelta(1),
                )
            n.points.append((p, pct))
            pct_prev = pct
            kind = "plain"
            if on >= self.window_start:
                if (
                    "no_change" in n.mods
                    and i == (window[len(window) // 2] if window else -1)
                    and i != last_i
                ):
                    kind = "no_change"
                    n.points[-1] = (p, n.points[-2][1] if len(n.points) > 1 else pct)
                    pct_prev = n.points[-1][1]
                elif "returned" in n.mods and is_last:
                    kind = "returned"
                elif "corrected" in n.mods and is_last:
                    kind = "corrected"
                elif s == "rejected" and i == (window[-2] if len(window) >= 2 else -1):
                    kind = "claim_rejected"
            by_head = plan.head_approval and kind != "returned" and r.random() < 0.25
            self._report_event(n, plan, on, p, pct, reporter, head, by_head, kind, lagging)
        # Milestones met (all passed ones, except the missed one).
        missed_idx = None
        if s == "missed_ms":
            passed = [i for i, (_, d) in enumerate(n.milestones) if d < self.today]
            missed_idx = passed[-1] if passed else None
        for i, (_, d) in enumerate(n.milestones):
            limit = n.close_on if s == "done" and n.close_on else self.today - timedelta(days=1)
            if i == missed_idx or (s == "overdue" and i == len(n.milestones) - 1):
                continue
            if s == "done":
                met = min(d - timedelta(days=r.randint(0, 6)), limit)
            elif d < self.today:
                met = d - timedelta(days=r.randint(0, 6))
            else:
                continue
            met = max(met, n.start)
            self._at(met, _bind(self._meet, n, i, reporter, met))
        if s == "done" and n.close_on:
            close = n.close_on
            p = rules.period_end(plan.cadence, close)
            self._report_event(n, plan, close, p, 100.0, reporter, head, True, "final", False)
            self._at(close, _bind(self._claim, n, reporter, close))
            confirm = min(close + timedelta(days=r.randint(1, 4)), self.today - timedelta(days=1))
            officer = "ducha1" if r.random() < 0.5 else "ducha2"
            self._at(max(confirm, close), _bind(self._confirm, n, officer, max(confirm, close)))
            n.points.append((p, 100.0))
        elif s == "claimed":
            day = self.today - timedelta(days=r.randint(1, 5))
            p = rules.period_end(plan.cadence, day)
            self._report_event(n, plan, day, p, 100.0, reporter, head, True, "final", False)
            self._at(day, _bind(self._claim, n, reporter, day))
        elif "pending_latest" in n.mods and plan.head_approval and n.start < self.today:
            day = self.today - timedelta(days=1)
            p = rules.period_end(plan.cadence, day)
            if not periods or p > periods[-1][0]:
                pct = min(100.0, max(pct_prev, self._expected(n, self.today) - lag))
                self._report_event(n, plan, day, p, pct, reporter, head, False, "pending", False)

    def _parent_story(self, n: Node, plan: Plan) -> None:
        if n.start > self.today:
            return
        head = f"{n.spec.lead.lower()}_fz"
        reporter = f"{n.spec.lead.lower()}_tb"
        weights = [k.spec.weight for k in n.kids]
        for p, deadline in self._periods(n, plan, self.today):
            pcts = []
            for k in n.kids:
                got = [pct for (kp, pct) in k.points if kp <= p]
                pcts.append(got[-1] if got else 0.0)
            pct = sum(w * x for w, x in zip(weights, pcts, strict=True)) / sum(weights)
            n.points.append((p, pct))
            on = max(n.start, deadline - timedelta(days=self.rng.randint(0, 1)))
            self._report_event(n, plan, on, p, pct, reporter, head, True, "plain", False)

    def _report_event(
        self,
        n: Node,
        plan: Plan,
        on: date,
        period: date,
        pct: float,
        reporter: str,
        head: str,
        by_head: bool,
        kind: str,
        lagging: bool,
    ) -> None:
        fields = self._value(n, pct) | self._text(lagging)
        if kind == "no_change":
            fields = {"no_change": True, "narrative": "", "problems": "", "next_steps": ""}
        if kind == "final":
            fields["narrative"] = "已全面完成年度任务，佐证材料已上传，申请销号。"
        author = head if by_head else reporter
        approve = plan.head_approval and not by_head and kind != "pending"
        if on < self.window_start and kind in ("plain", "final"):
            self._at(on, _bind(self._history, n, author, head, on, period, fields), bulk={})
            return
        self._at(on, _bind(self._report, n, author, head, on, period, fields, approve, kind))

    # -----------------------------------------------------------------------------------------
    # Event handlers (services)

    def _report(
        self,
        n: Node,
        author: str,
        head: str,
        on: date,
        period: date,
        fields: dict[str, Any],
        approve: bool,
        kind: str,
    ) -> None:
        r = self.rng
        task = n.task
        assert task is not None
        files: tuple[SimpleUploadedFile, ...] = ()
        if kind == "final":
            files = (
                SimpleUploadedFile(
                    f"{n.code}-佐证材料.txt",
                    f"{n.title}\n完成情况佐证。\n".encode(),
                    content_type="text/plain",
                ),
            )
        if kind == "claim_rejected":
            fields = fields | {"narrative": "任务已基本完成，申请销号。"}
        # The story's figures are drawn, not typed: its clerks confirm any plausibility warning.
        rep = report_submit(
            actor=self.users[author],
            task=task,
            on=on,
            period=period,
            files=files,
            acknowledge_warnings=True,
            **fields,
        )
        if kind == "returned" and rep.state == ReportState.PENDING:
            report_return(actor=self.users[head], report=rep, reason=r.choice(data.RETURN_REASONS))
            # Filed again the next day, as the head asked; the head then lets it go up.
            fields = fields | {"narrative": fields.get("narrative", "") + "（已按要求核实更正）"}
            rep = report_submit(
                actor=self.users[author],
                task=task,
                on=on + timedelta(days=1),
                period=period,
                acknowledge_warnings=True,
                **fields,
            )
        if approve and rep.state == ReportState.PENDING:
            report_approve(actor=self.users[head], report=rep)
        self.counts["reports_service"] = self.counts.get("reports_service", 0) + 1
        if kind == "corrected" and rep.state == ReportState.SUBMITTED:
            corr = dict(fields)
            if "percent" in corr:
                corr["percent"] = min(Decimal(100), corr["percent"] + 1)
            if "value" in corr:
                corr["value"] = (corr["value"] * Decimal("1.01")).quantize(Decimal("0.01"))
            corr["narrative"] = "更正：上报数据有误，经与统计部门核对后更正。"
            report_submit(
                actor=self.users[head],
                task=task,
                on=min(on + timedelta(days=1), self.today),
                corrects=rep,
                acknowledge_warnings=True,
                **corr,
            )
        if kind == "claim_rejected":
            reporter = f"{n.spec.lead.lower()}_tb"
            self._file_claim(task, reporter, "申请销号")
            task.refresh_from_db()
            officer = "ducha2" if r.random() < 0.5 else "ducha1"
            task_reject_completion(actor=self.users[officer], task=task, reason=r.choice(data.REJECT_REASONS))
            task.refresh_from_db()

    def _history(
        self, n: Node, author: str, head: str, on: date, period: date, fields: dict[str, Any]
    ) -> None:
        """Collected and bulk-inserted (see `run_events`)."""
        raise AssertionError("history events are bulk-loaded")

    def _meet(self, n: Node, index: int, reporter: str, met: date) -> None:
        assert n.task is not None
        ms = list(n.task.milestones.order_by("sort", "due"))[index]
        evidence = SimpleUploadedFile(f"{n.code}-节点{index + 1}.txt", f"{ms.title}\n".encode(), "text/plain")
        claim = milestone_claim(
            actor=self.users[reporter],
            milestone=ms,
            met_on=met,
            note="节点已完成。",
            files=[evidence],
            on=met,
        )
        officer = "ducha1" if index % 2 == 0 else "ducha2"
        milestone_confirm(actor=self.users[officer], claim=claim, note="经核查属实。", on=met)

    def _file_claim(self, task: Task, reporter: str, note: str) -> None:
        """Claim completion as the unit does: final value, evidence, the head's approval where asked."""
        value = None
        if task.has_measure:
            last = Report.objects.effective().filter(task=task).order_by("-reported_on", "-id").first()
            value = last.value if last is not None and last.value is not None else task.target
        evidence = SimpleUploadedFile(
            f"{task.code or task.pk}-完成佐证.txt", f"{task.title}\n".encode(), "text/plain"
        )
        task_claim_completion(actor=self.users[reporter], task=task, note=note, value=value, files=[evidence])
        pending = task.claims.filter(state=ClaimState.PENDING).first()
        if pending is not None:
            head = reporter.rsplit("_", 1)[0] + "_fz"
            task_claim_approve(actor=self.users[head], claim=pending)

    def _claim(self, n: Node, reporter: str, day: date) -> None:
        assert n.task is not None
        n.task.refresh_from_db()
        self._file_claim(n.task, reporter, "任务已完成，申请销号。")

    def _confirm(self, n: Node, officer: str, day: date) -> None:
        assert n.task is not None
        n.task.refresh_from_db()
        task_confirm_completion(actor=self.users[officer], task=n.task, note="经核查，同意销号。", on=day)

    def run_events(self) -> None:
        self.events.sort()
        history = [e for e in self.events if e.bulk is not None]
        live = [e for e in self.events if e.bulk is None]
        self._clock.advance_to(self.window_start)  # the ledger is imported when the window opens
        self._bulk_history(history)
        for e in live:
            self._clock.advance_to(e.day)
            e.run()

    def _bulk_history(self, events: list[Event]) -> None:
        """Reports from before the four-month window: the office's earlier ledger, imported in one go."""
        rows: list[Report] = []
        for e in events:
            fn = e.run
            n, author, head, on, period, fields = fn.args  # type: ignore[attr-defined]
            task = n.task
            pct, val = fields.get("percent"), fields.get("value")
            if val is not None and task.has_measure:
                pct = rules.measure_progress(
                    val,
                    baseline=task.baseline,
                    target=task.target,
                    direction=task.direction,
                    cap=Decimal(100),
                )
            approved = timezone.make_aware(datetime.combine(on, dtime(17, 30)))
            rows.append(
                Report(
                    task=task,
                    unit=task.lead_unit,
                    author=self.users[author],
                    period_end=period,
                    reported_on=on,
                    filed_on=on,
                    known_on=on,
                    percent=pct,
                    value=val,
                    narrative=fields.get("narrative", ""),
                    problems=fields.get("problems", ""),
                    next_steps=fields.get("next_steps", ""),
                    state=ReportState.SUBMITTED,
                    approved_by=self.users[head],
                    approved_at=approved,
                )
            )
        Report.objects.bulk_create(rows, batch_size=1000)
        figures_refresh({r.task_id for r in rows})
        code = "work.reports.imported" if "work.reports.imported" in ACTIONS else "work.import.committed"
        record(
            self.annual,
            code,
            actor=self.users["ducha1"],
            data={
                "source": "luoshi demo: 历史台账导入",
                "reports": len(rows),
                "until": self.window_start.isoformat(),
            },
        )
        self.counts["reports_imported"] = len(rows)

    # -----------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Stored lights for today, late reports, and a few weeks of daily light counts."""
        self._clock.advance_to(self.today)
        try:
            from luoshi.jobs.services import tick_run
        except (ImportError, AttributeError):
            pass
        else:
            for back in range(TICK_WEEKS, 0, -1):
                tick_run(on=self.today - timedelta(days=7 * back))
            tick_run(on=self.today)
        for plan in (self.annual, self.campaign):
            rows = compute_lights(plan_id=plan.pk, on=self.today)
            persist_lights(rows, on=self.today)
            mark_late_reports(plan_id=plan.pk, on=self.today)

    def build_meetings(self) -> None:
        from luoshi.meetings.demo import build

        self.counts.update({f"meetings_{k}": v for k, v in build(self).items()})

    def run(self) -> dict[str, Any]:
        def step(name: str, fn: Callable[[], None]) -> None:
            t0 = time.perf_counter()
            with transaction.atomic():
                fn()
            self.timings[name] = time.perf_counter() - t0

        # Every wall-clock stamp (approvals, claims, transitions, audit entries) falls on the
        # replayed day: the district is set up when its earliest plan starts.
        with simulated_clock(min(date(self.year, 1, 1), self.campaign_start)) as self._clock:
            step("org", self.build_org)
            step("tasks", self.create_plans)
            step("stories", self.plan_stories)
            step("supervision", _bind(supervision_demo.plan, self))
            step("appeals", _bind(appeals_demo.build, self))
            # Refreshing lights after every replayed report would compute past days that `finish`
            # overwrites anyway (most of the load time).
            with refresh_deferred():
                step("reports", self.run_events)
            step("lights", self.finish)
            # Projects before meetings: the meetings' agendas raise projects.
            step("projects", _bind(projects_demo.build, self))
            step("meetings", self.build_meetings)
            step("rectification", _bind(rectification_demo.build, self))
            step("ratings", _bind(ratings_demo.build, self))
            step("assessment", _bind(assessment_demo.build, self))
            step("learning", _bind(learning_demo.build, self))
            step("benchmark", _bind(benchmark_demo.build, self))
            step("alerts", _bind(alerts_demo.build, self))
            step("portal", _bind(portal_demo.build, self))
            step("audit", _bind(audit_demo.build, self))
            step("identity", _bind(identity_demo.build, self))
        self.counts["tasks"] = Task.objects.filter(plan__in=[self.annual, self.campaign]).count()
        return {"counts": self.counts, "timings": self.timings}


# ---------------------------------------------------------------------------------------------
# helpers


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    import functools

    return functools.partial(fn, *args)


def _fmt(x: float) -> str:
    """A short decimal string (no float noise)."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s or "0"


def _deadline_text(due: date, plan_due: date) -> str:
    if due == plan_due:
        return "年底前"
    if due == rules.month_end(due):
        return f"{due.month}月底前"
    return f"{due.year}年{due.month}月{due.day}日前"


def _head_title(unit: Unit) -> str:
    name = unit.name
    for suffix, title in (
        ("管委会", "主任"),
        ("办事处", "党工委书记"),
        ("镇人民政府", "镇长"),
        ("委员会", "主任"),
        ("办公室", "主任"),
        ("督查室", "主任"),
        ("法院", "院长"),
        ("检察院", "检察长"),
        ("海关", "关长"),
        ("公司", "总经理"),
        ("集团有限公司", "董事长"),
        ("社区", "社区党委书记"),
        ("村", "村党组织书记"),
        ("分局", "局长"),
        ("局", "局长"),
        ("中心", "主任"),
        ("大队", "大队长"),
        ("支行", "行长"),
    ):
        if name.endswith(suffix):
            return title
    return "主要负责人"


def build(*, today: date, small: bool = False, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the demo district as of `today` into an empty database; returns counts and timings."""
    if Unit.objects.filter(code=data.DISTRICT.code).exists():
        raise DemoError(f"演示区已存在（单位代码 {data.DISTRICT.code}）；请先清空数据库。")
    return Builder(today=today, small=small, log=log).run()
