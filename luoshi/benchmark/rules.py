"""Benchmark (对标) rules over plain values: reading numbers as statistics bulletins print them
(mixed thousands separators, full-width digits, 亿元 / 万元 / 元, growth rates as text), periods as
they are written (2025年前三季度, 2024年1-12月), region names without their suffix, and the ranking of
a peer group: rank, movement since the previous period, gap to the leader and to the 标杆.

No database access: the importer and the selectors call these with values they have read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

AMOUNT_UNIT = "亿元"
PERCENT_UNIT = "%"
# How many 元 one of each published unit is; amounts are kept in 亿元.
UNIT_YUAN: dict[str, Decimal] = {
    "亿元": Decimal(100_000_000),
    "亿": Decimal(100_000_000),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "元": Decimal(1),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Unreadable(ValueError):
    """A cell that cannot be read as the number it should be; the message says why (Chinese)."""


def _normal(text: str) -> str:
    """Full-width digits, signs and punctuation as ASCII (NFKC); the minus sign U+2212 as '-'."""
    s = unicodedata.normalize("NFKC", text)
    return (
        s.replace("\u2212", "-").replace("\u2013", "-").replace("\u00a0", " ").replace("\u2009", " ").strip()
    )


_GROUPED = re.compile(r"^\d{1,3}([,. '])\d{3}(?:\1\d{3})*$")


def _digits(body: str, original: str) -> str:
    """`body` (no sign) as a plain decimal string '1234.5', reading the separators as printed: the
    last of a comma and a dot is the decimal point (1,234.5 and 1.234,5); a lone comma before three
    digits groups thousands (1,234), before any other count it is a decimal comma (1 234,5); several
    of one kind group thousands (1,234,567 and 1.234.567); spaces and apostrophes group thousands."""
    s = body.strip()
    commas, dots = s.count(","), s.count(".")
    decimal: str | None
    if commas and dots:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
    elif commas == 1:
        whole, frac = s.split(",")
        decimal = "," if len(frac) != 3 or " " in whole else None
    elif dots == 1:
        decimal = "."
    else:
        decimal = None
    whole, frac = s.rsplit(decimal, 1) if decimal else (s, "")
    if decimal and not frac:
        raise Unreadable(f"「{original}」不是数字。")
    if re.fullmatch(r"\d*", whole) is None:
        grouped = _GROUPED.match(whole)
        if grouped is None or grouped.group(1) == decimal:
            if re.fullmatch(r"[\d,. ']+", whole):
                raise Unreadable(f"「{original}」不是数字（千分位写法无法识别）。")
            raise Unreadable(f"「{original}」不是数字。")
        whole = re.sub(r"\D", "", whole)
    if re.fullmatch(r"\d*", frac) is None or not (whole or frac):
        raise Unreadable(f"「{original}」不是数字。")
    return f"{whole or '0'}.{frac}" if frac else whole


def parse_number(text: object) -> Decimal:
    """A number as printed: '1,234.5', '1 234,5', '1.234.567', '１２３４．５', '-1.2', '−1.2', '+3'.
    Raises `Unreadable` for anything else (an empty cell is the caller's business)."""
    if isinstance(text, bool):
        raise Unreadable(f"「{text}」不是数字。")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    if isinstance(text, Decimal):
        return text
    original = str(text)
    s = _normal(original)
    sign = 1
    if s[:1] in "+-" and s:
        sign = -1 if s[0] == "-" else 1
        s = s[1:].strip()
    try:
        value = Decimal(_digits(s, original))
    except InvalidOperation as exc:  # pragma: no cover - _digits only returns digit strings
        raise Unreadable(f"「{original}」不是数字。") from exc
    return -value if sign < 0 else value


_AMOUNT = re.compile(r"^(.*?)\s*(亿元|万元|亿|万|元)?$")


def parse_amount(text: object, unit: str = AMOUNT_UNIT) -> Decimal:
    """An amount in 亿元: '24,899.30' in a column of 亿元, '2616611万元', '1.5亿', '3,000 万元'.
    A unit written in the cell wins over the column's `unit`."""
    if not isinstance(text, str):
        return to_canonical(parse_number(text), unit)
    s = _normal(text)
    m = _AMOUNT.match(s)
    assert m is not None  # the pattern matches every string
    number, written = m.group(1), m.group(2)
    if written and not number.strip():
        raise Unreadable(f"「{text}」不是数字。")
    try:
        value = parse_number(number if written else s)
    except Unreadable:
        raise Unreadable(f"「{text}」不是数字。") from None
    return to_canonical(value, written or unit)


def to_canonical(value: Decimal, unit: str) -> Decimal:
    """`value` in `unit` (亿元, 万元, 元, 亿, 万) as 亿元, exactly."""
    try:
        per = UNIT_YUAN[unit]
    except KeyError:
        raise Unreadable(f"计量单位「{unit}」无法识别：应为亿元、万元或元。") from None
    return value * per / UNIT_YUAN[AMOUNT_UNIT]


UP_WORDS = ("增长", "增加", "上升", "提高", "增")
DOWN_WORDS = ("下降", "减少", "下滑", "回落", "降低", "降", "减")
FLAT_WORDS = ("持平", "与上年持平", "同比持平")


def parse_growth(text: object) -> Decimal:
    """A growth rate in percent: '增长6.5%' → 6.5, '下降1.2%' → -1.2, '-1.2' → -1.2, '6.5%' → 6.5,
    '同比增长 6.5 %' → 6.5, '(+4.6%)' → 4.6, '持平' → 0. A word and a sign together ('下降-1.2%') or
    two words are refused: which one was meant cannot be known."""
    if not isinstance(text, str):
        return parse_number(text)
    original = text
    s = _normal(text).strip("()（）[] ")
    s = re.sub(r"^(同比|比上年|较上年|比去年同期|比上年同期)", "", s).strip()
    if s in FLAT_WORDS or s == "持平":
        return Decimal(0)
    word = 0
    for words, sign in ((UP_WORDS, 1), (DOWN_WORDS, -1)):
        for w in words:
            if s.startswith(w):
                word = sign
                s = s[len(w) :].strip()
                break
        if word:
            break
    s = s.removesuffix("个百分点").removesuffix("%").removesuffix("％").strip()
    if not s:
        raise Unreadable(f"「{original}」不是增长率。")
    if word and s[:1] in "+-":
        raise Unreadable(f"「{original}」同时写了升降和正负号，无法判断。")
    try:
        value = parse_number(s)
    except Unreadable:
        raise Unreadable(f"「{original}」不是增长率。") from None
    return -value if word < 0 else value


# ---------------------------------------------------------------------------------------------
# Periods


QUARTER_LABELS = {1: "一季度", 2: "上半年", 3: "前三季度", 4: ""}
_MONTHS_TO_QUARTER = {3: 1, 6: 2, 9: 3, 12: 4}
_QUARTER_WORDS = {
    "一季度": 1,
    "第一季度": 1,
    "1季度": 1,
    "上半年": 2,
    "前二季度": 2,
    "前两季度": 2,
    "前三季度": 3,
    "全年": 4,
}


@dataclass(frozen=True, order=True)
class PeriodKey:
    """A statistics period: a year, cumulative to the end of quarter `quarter` (4: the whole year)."""

    year: int
    quarter: int = 4

    def label(self) -> str:
        return f"{self.year}年{QUARTER_LABELS[self.quarter]}"


def parse_period(text: object) -> PeriodKey:
    """'2019', '2023年', '2024年1-12月', '2025年前三季度', '2025年1-6月', '2013年(预计)',
    '2024年(2025年政府工作报告)' → the year, cumulative to a quarter's end. Months that do not end a
    quarter (1-10月) are refused: such figures do not compare with quarterly ones."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    original = str(text)
    s = _normal(original)
    s = re.sub(r"[(（].*?[)）]", "", s).replace(" ", "")
    m = re.match(r"^((?:19|20)\d{2})(?:年度?)?(.*)$", s)
    if not m:
        raise Unreadable(f"统计期「{original}」无法识别：应写作 2024年、2025年前三季度或 2024年1-12月。")
    year, rest = int(m.group(1)), m.group(2)
    if not rest:
        return PeriodKey(year, 4)
    if rest in _QUARTER_WORDS:
        return PeriodKey(year, _QUARTER_WORDS[rest])
    rest = rest.removesuffix("累计").removesuffix("份").replace("~", "-").replace("—", "-").replace("至", "-")
    mm = re.fullmatch(r"1月?-(\d{1,2})月", rest)
    if mm and int(mm.group(1)) in _MONTHS_TO_QUARTER:
        return PeriodKey(year, _MONTHS_TO_QUARTER[int(mm.group(1))])
    raise Unreadable(f"统计期「{original}」无法识别：应写作 2024年、2025年前三季度或 2024年1-12月。")


def previous_period(period: PeriodKey) -> PeriodKey:
    """The period a movement is measured from: the same months of the year before (同期)."""
    return PeriodKey(period.year - 1, period.quarter)


# ---------------------------------------------------------------------------------------------
# Region names

SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def region_stem(name: str) -> str:
    """A region's name without its last administrative suffix: 北京市 → 北京, 缙云县 → 缙云,
    市中区 → 市中; a name that would be left with fewer than two characters is kept whole (城区)."""
    s = _normal(name).replace(" ", "")
    for suffix in SUFFIXES:
        if s.endswith(suffix) and len(s) - len(suffix) >= 2:
            return s[: -len(suffix)]
    return s


def division_level(code: str) -> str:
    """'province' for xx0000, 'city' for xxxx00, 'county' otherwise (GB/T 2260)."""
    if not re.fullmatch(r"\d{6}", code):
        raise Unreadable(f"行政区划代码「{code}」应为 6 位数字。")
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def division_parents(code: str) -> tuple[str, ...]:
    """The codes that may be a division's parent, nearest first: a county's city (xxxx00) then its
    province (xx0000, for counties of a municipality or 省直辖); a city's province; none for a province."""
    level = division_level(code)
    if level == "county":
        return (code[:4] + "00", code[:2] + "0000")
    if level == "city":
        return (code[:2] + "0000",)
    return ()


# ---------------------------------------------------------------------------------------------
# Ranking


def rank(values: Mapping[K, Decimal | None], *, higher_is_better: bool = True) -> dict[K, int | None]:
    """Competition ranks (1, 2, 2, 4) of the known values, best first; no value, no rank."""
    known = [v for v in values.values() if v is not None]
    ranks: dict[K, int | None] = {}
    for key, value in values.items():
        if value is None:
            ranks[key] = None
        elif higher_is_better:
            ranks[key] = 1 + sum(1 for v in known if v > value)
        else:
            ranks[key] = 1 + sum(1 for v in known if v < value)
    return ranks


def movement(now: int | None, before: int | None) -> int | None:
    """Places gained since the previous period (positive: moved up, 3 → 1 is +2); None if either
    rank is unknown."""
    if now is None or before is None:
        return None
    return before - now


@dataclass(frozen=True)
class Gap:
    """How far a value is from a reference: `absolute` in the indicator's unit (positive: ahead),
    `percent` relative to the reference (None when the reference is zero)."""

    absolute: Decimal
    percent: Decimal | None


def gap(value: Decimal | None, reference: Decimal | None, *, higher_is_better: bool = True) -> Gap | None:
    """The gap of `value` to `reference`, signed so that positive is better (ahead of it)."""
    if value is None or reference is None:
        return None
    diff = value - reference if higher_is_better else reference - value
    percent = None if reference == 0 else (diff / abs(reference) * HUNDRED).quantize(CENT, ROUND_HALF_UP)
    return Gap(diff, percent)


def leader(values: Mapping[K, Decimal | None], *, higher_is_better: bool = True) -> Decimal | None:
    """The best known value of the group (None if nobody has one)."""
    known = [v for v in values.values() if v is not None]
    if not known:
        return None
    return max(known) if higher_is_better else min(known)


@dataclass(frozen=True)
class RankRow:
    key: Hashable
    value: Decimal | None
    rank: int | None
    previous_rank: int | None
    movement: int | None
    to_leader: Gap | None
    to_benchmark: Gap | None


def ranking(
    values: Mapping[K, Decimal | None],
    previous: Mapping[K, Decimal | None],
    *,
    higher_is_better: bool = True,
    benchmark: K | None = None,
) -> list[RankRow]:
    """The peer group's table for one indicator and period: every member with its value, rank,
    the rank it had in the previous period (among the members with a value then), movement, gap to
    the leader and to the 标杆 member. Ranked members first by rank, then the ones with no value, in
    the order given."""
    ranks = rank(values, higher_is_better=higher_is_better)
    before = rank({k: previous.get(k) for k in values}, higher_is_better=higher_is_better)
    best = leader(values, higher_is_better=higher_is_better)
    bench_value = values.get(benchmark) if benchmark is not None else None
    rows = [
        RankRow(
            key=k,
            value=v,
            rank=ranks[k],
            previous_rank=before[k],
            movement=movement(ranks[k], before[k]),
            to_leader=gap(v, best, higher_is_better=higher_is_better),
            to_benchmark=gap(v, bench_value, higher_is_better=higher_is_better),
        )
        for k, v in values.items()
    ]
    order: dict[Hashable, int] = {k: i for i, k in enumerate(values)}
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, order[r.key]))


def rank_history(
    series: Sequence[Mapping[K, Decimal | None]], key: K, *, higher_is_better: bool = True
) -> list[int | None]:
    """The rank of `key` in each period's values, in the order given (the line of the district's rank)."""
    return [rank(values, higher_is_better=higher_is_better).get(key) for values in series]
