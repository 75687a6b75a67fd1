"""The labelled evaluation set for report quality flags (填报质量评估样本) and its scoring.

The set is a plan of its own in the demo: tasks of ordinary units with four monthly reports each, a
few units that never report, and for each report a *recipe* chosen at random. The label is the recipe
— what the generator did — never what the flagging code says:

- clean (如实填报): a narrative assembled from concrete facts (a date, a place, a number, a document
  or a deliverable), progress rising by 4–24 points a month (now and then 25–33 around a quarter's end:
  a real milestone met, recorded as the task's milestone due at the period's end and met on the
  report's day), a measure's value rising, evidence attached to a completion;
- copied_previous (照抄上期): the task's previous narrative, with at most two small edits (a digit, a
  punctuation mark, a word swapped);
- copied_other (抄袭他单位): another unit's narrative of the same period, edited the same way;
- empty (空话套话): two to four stock phrases (表态) with no fact in them;
- jump (考核前突击): progress raised by 35–60 points in a report made 1–12 days before a quarter's end,
  to at most 95 %, with nothing behind it (no evidence, no milestone): a sprint, not a completion claim
  (a completion without evidence is no_evidence; one with evidence is checked by its file);
- no_evidence (无佐证完成): 100 % (or a measure at its target) with no evidence file;
- drop (累计值下降): a cumulative measure reported 5–30 % below its previous value;
- terse (简短如实): a short honest line with no figure ("本期无新增情况，按计划推进。") — clean: saying
  little is not a falsification;
- reworded (改写): the task's previous narrative, or another unit's of the same period, reworded: its
  sentences put in another order, one to three phrases swapped for synonyms (召开 → 组织召开, 已印发 →
  已正式印发 …), then small edits — copied;
- phantom (从未填报): a unit leading tasks whose periods all passed without a single report.

A report is suspicious of kind K exactly when its recipe is K (a copied recipe's report is only
`copied`, even when the text it copied says little: the labels have one kind each). `evaluate` compares these labels with what
`flags.find` raises on the same reports: precision and recall per kind and overall.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import rules

SLOGANS = (
    "高度重视，提高政治站位",
    "强化组织领导，压实工作责任",
    "坚持问题导向，扎实推进各项工作",
    "进一步统一思想认识，凝聚工作合力",
    "切实加强统筹协调，形成工作闭环",
    "持续深化作风建设，营造良好氛围",
    "紧盯目标任务，全力以赴抓落实",
    "认真贯彻落实上级决策部署",
    "坚持高标准严要求，确保取得实效",
    "积极主动作为，推动工作提质增效",
    "加大宣传力度，营造浓厚氛围",
    "不断完善工作机制，推动常态长效",
)
PLACES = (
    "金银湖街道",
    "将军路街道",
    "径河街道",
    "走马岭街道",
    "新沟镇",
    "东山街道",
    "长青街道",
    "临空港经济开发区",
    "食品医药产业园区",
    "吴家山村",
    "柏泉社区",
    "马投潭村",
)
ACTIONS = (
    "召开现场推进会",
    "完成土地征收",
    "签订框架协议",
    "完成施工图审查",
    "组织联合验收",
    "完成主体结构封顶",
    "开展入户走访",
    "办结企业诉求",
    "完成设备安装调试",
    "上报入库项目",
)
UNITS_OF = ("亩", "户", "家", "件", "万元", "个", "次", "平方米")
DOCS = ("《实施方案》", "《工作台账》", "《推进计划》", "《验收报告》", "《会议纪要》")
DELIVERABLES = ("污水处理厂项目", "智慧社区平台", "便民服务中心", "标准厂房工程", "供水管网工程")
MEASURES = (("新增市场主体", "户", 0, 1200), ("固定资产投资", "亿元", 0, 45), ("完成征地", "亩", 0, 800))

RECIPES = (
    "clean",
    "copied_previous",
    "copied_other",
    "empty",
    "jump",
    "no_evidence",
    "drop",
    "terse",
    "reworded",
)
TERSE = (
    "本期无新增情况，按计划推进。",
    "与上期相比无变化，继续跟踪。",
    "已按要求落实，正常推进中。",
    "本月工作正常开展，暂无问题。",
)
RECIPE_KIND = {
    "copied_previous": rules.Flag.COPIED,
    "copied_other": rules.Flag.COPIED,
    "reworded": rules.Flag.COPIED,
    "empty": rules.Flag.EMPTY,
    "jump": rules.Flag.JUMP,
    "no_evidence": rules.Flag.NO_EVIDENCE,
    "drop": rules.Flag.DROP,
    "phantom": rules.Flag.PHANTOM,
}


def honest_narrative(rng: random.Random, period: date) -> str:
    """Two or three sentences, each with facts (a date, a place, a number, a document or deliverable)."""
    parts = []
    for _ in range(rng.randint(2, 3)):
        day = period - timedelta(days=rng.randint(0, 25))
        choice = rng.random()
        if choice < 0.4:
            parts.append(
                f"{day.month}月{day.day}日在{rng.choice(PLACES)}{rng.choice(ACTIONS)}，涉及{rng.randint(3, 480)}{rng.choice(UNITS_OF)}"
            )
        elif choice < 0.7:
            parts.append(
                f"{rng.choice(PLACES)}{rng.choice(ACTIONS)}{rng.randint(2, 90)}{rng.choice(UNITS_OF)}，{rng.choice(DOCS)}已印发"
            )
        else:
            parts.append(
                f"{rng.choice(DELIVERABLES)}已{rng.choice(['开工', '完成验收', '投用', '通过评审'])}，累计完成投资{rng.randint(100, 9000)}万元"
            )
    return "；".join(parts) + "。"


def empty_narrative(rng: random.Random) -> str:
    return "，".join(rng.sample(SLOGANS, rng.randint(2, 4))) + "。"


def small_edits(rng: random.Random, text: str) -> str:
    """At most two small edits: a digit changed, a punctuation mark swapped, a word replaced."""
    chars = list(text)
    for _ in range(rng.randint(0, 2)):
        kind = rng.random()
        digits = [i for i, c in enumerate(chars) if c.isdigit()]
        if kind < 0.4 and digits:
            i = rng.choice(digits)
            chars[i] = str((int(chars[i]) + rng.randint(1, 8)) % 10)
        elif kind < 0.7:
            marks = [i for i, c in enumerate(chars) if c in "，；"]
            if marks:
                i = rng.choice(marks)
                chars[i] = "；" if chars[i] == "，" else "，"
        else:
            i = rng.randrange(len(chars))
            chars.insert(i, rng.choice("已并正"))
    return "".join(chars)


# Phrases of `honest_narrative` and what a rewording unit writes instead (同义改写).
SYNONYMS = (
    ("召开", "组织召开"),
    ("涉及", "共涉及"),
    ("已印发", "已正式印发"),
    ("累计完成投资", "累计投资"),
    ("签订", "签署"),
    ("办结", "办理完结"),
    ("开展", "组织开展"),
    ("上报", "申报"),
    ("已开工", "已动工"),
    ("已投用", "已投入使用"),
    ("完成主体结构封顶", "实现主体结构封顶"),
    ("完成设备安装调试", "完成设备安装和调试"),
    ("日在", "日于"),
)


def reword(rng: random.Random, text: str) -> str:
    """A rewording of `text`: its sentences (split at ；) in another order, one to three phrases
    swapped for synonyms, then `small_edits`."""
    parts = [p for p in text.rstrip("。").split("；") if p]
    if len(parts) > 1:
        order = parts[:]
        while order == parts:
            rng.shuffle(order)
        parts = order
    out = "；".join(parts) + "。"
    swaps = [(a, b) for a, b in SYNONYMS if a in out]
    for a, b in rng.sample(swaps, min(len(swaps), rng.randint(1, 3))):
        at = [i for i in range(len(out)) if out.startswith(a, i)]
        i = rng.choice(at)
        out = out[:i] + b + out[i + len(a) :]
    return small_edits(rng, out)


@dataclass
class Planned:
    """A report to create: task index, period, recipe, and its fields."""

    task: int
    period: date
    reported_on: date
    recipe: str
    percent: Decimal | None
    value: Decimal | None
    narrative: str
    evidence: bool
    kinds: tuple[str, ...] = ()
    milestone: bool = False  # a milestone of the task, due at the period's end, met on `reported_on`


def quarter_end(d: date) -> bool:
    return (d.month, d.day) in ((3, 31), (6, 30), (9, 30), (12, 31))


def month_ends(today: date, n: int) -> list[date]:
    """The last n month ends strictly before `today`, oldest first."""
    out: list[date] = []
    d = today.replace(day=1) - timedelta(days=1)
    while len(out) < n:
        out.append(d)
        d = d.replace(day=1) - timedelta(days=1)
    return out[::-1]


def plan_reports(
    rng: random.Random, tasks: Sequence[dict[str, Any]], periods: Sequence[date]
) -> list[Planned]:
    """Every report of the set with its recipe (module docstring). `tasks` carry `unit`, `measure`
    (None or (name, unit, baseline, target)). The first period is always clean (a baseline to copy
    from and to compare with)."""
    out: list[Planned] = []
    by_period: dict[date, list[Planned]] = {}
    weights = (0.54, 0.07, 0.07, 0.07, 0.06, 0.05, 0.06, 0.03, 0.05)
    for ti, t in enumerate(tasks):
        pct = Decimal(rng.randint(5, 20))
        target = Decimal(t["measure"][3]) if t["measure"] else None
        value = (target * pct / 100).quantize(Decimal("0.01")) if target is not None else None
        previous: Planned | None = None
        for period in periods:
            recipe = "clean" if previous is None else rng.choices(RECIPES, weights)[0]
            done = pct >= 100
            if recipe == "drop" and (target is None or done):
                recipe = "clean"
            if recipe == "jump" and (not quarter_end(period) or pct > 55):
                recipe = "clean"
            if recipe == "no_evidence" and done:
                recipe = "clean"
            made = period - timedelta(days=rng.randint(0, 5))
            step = Decimal(rng.randint(4, 24))
            milestone = False
            if quarter_end(period) and rng.random() < 0.05:
                step = Decimal(rng.randint(25, 33))  # a real milestone met near the quarter's end
                milestone = True
            narrative = honest_narrative(rng, period)
            kinds: tuple[str, ...] = ()
            if recipe == "jump":
                step = Decimal(rng.randint(35, 60))
                made = period - timedelta(days=rng.randint(1, 12))
            evidence = False
            new_pct = pct + step
            if recipe == "jump":
                new_pct, milestone = min(new_pct, Decimal(95)), False  # a sprint, not a claim
            elif done or new_pct >= 100:
                new_pct, evidence = Decimal(100), True  # an honest completion carries its evidence
            if recipe == "no_evidence":
                new_pct, evidence = Decimal(100), False
            if recipe == "copied_previous":
                assert previous is not None
                narrative = small_edits(rng, previous.narrative)
                kinds = (rules.Flag.COPIED,)
            elif recipe == "copied_other":
                others = [
                    p
                    for p in by_period.get(period, [])
                    if tasks[p.task]["unit"] != t["unit"] and p.recipe == "clean"
                ]
                if others:
                    narrative = small_edits(rng, rng.choice(others).narrative)
                    kinds = (rules.Flag.COPIED,)
                else:
                    recipe = "clean"
            elif recipe == "reworded":
                assert previous is not None
                others = [
                    p
                    for p in by_period.get(period, [])
                    if tasks[p.task]["unit"] != t["unit"] and p.recipe == "clean"
                ]
                source = rng.choice(others).narrative if others and rng.random() < 0.5 else previous.narrative
                narrative = reword(rng, source)
                kinds = (rules.Flag.COPIED,)
            elif recipe == "terse":
                narrative = rng.choice(TERSE)
            elif recipe == "empty":
                narrative = empty_narrative(rng)
            if recipe in ("empty", "jump", "no_evidence", "drop"):
                kinds = (RECIPE_KIND[recipe],)
            new_value = None
            if target is not None:
                new_value = (target * new_pct / 100).quantize(Decimal("0.01"))
                if recipe == "drop":
                    assert value is not None
                    new_value = (value * Decimal(rng.randint(70, 95)) / 100).quantize(Decimal("0.01"))
            shown_pct = pct if recipe == "drop" else new_pct
            planned = Planned(
                ti,
                period,
                made,
                recipe,
                shown_pct,
                new_value,
                narrative,
                evidence,
                kinds,
                milestone=milestone and recipe not in ("jump", "drop"),
            )
            out.append(planned)
            by_period.setdefault(period, []).append(planned)
            if recipe != "drop":
                pct, value = new_pct, new_value
            previous = planned
    return out


@dataclass(frozen=True)
class Score:
    kind: str
    labelled: int
    flagged: int
    hits: int

    @property
    def precision(self) -> float | None:
        return self.hits / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.labelled if self.labelled else None


def score(labels: dict[str, set[str]], predicted: dict[str, set[str]]) -> list[Score]:
    """Per kind and overall ("all": a case is suspicious when it has any label, flagged when it has any
    flag). Keys name cases ("report:12", "unit:3")."""
    out = []
    kinds = sorted({k for v in labels.values() for k in v} | {k for v in predicted.values() for k in v})
    for kind in kinds:
        lab = {c for c, v in labels.items() if kind in v}
        pre = {c for c, v in predicted.items() if kind in v}
        out.append(Score(kind, len(lab), len(pre), len(lab & pre)))
    lab_any = {c for c, v in labels.items() if v}
    pre_any = {c for c, v in predicted.items() if v}
    out.append(Score("all", len(lab_any), len(pre_any), len(lab_any & pre_any)))
    return out


def evaluate() -> tuple[int, list[Score]]:
    """Run the flagging code on the stored set's reports and units; returns (cases, scores)."""
    from .flags import find
    from .models import EvalCase

    cases = list(EvalCase.objects.values_list("report_id", "unit_id", "kinds"))
    labels = {(f"report:{r}" if r else f"unit:{u}"): set(k) for r, u, k in cases}
    report_ids = [r for r, _u, _k in cases if r]
    if not cases:
        return 0, []
    from luoshi.work.models import Report

    known = [
        d
        for d in Report.objects.filter(pk__in=report_ids).values_list("known_on", flat=True)
        if d is not None
    ]
    last = max(known, default=date.today())
    predicted: dict[str, set[str]] = {c: set() for c in labels}
    for f in find(last, last, report_ids=report_ids):
        key = f"report:{f.report_id}" if f.report_id else f"unit:{f.unit_id}"
        if key in predicted:
            predicted[key].add(f.kind)
    return len(cases), score(labels, predicted)
