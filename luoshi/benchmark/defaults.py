"""The indicators statistics bulletins publish and districts compare (对标指标), with the column
headings they are printed under. Migration 0002 (on a new database, the squashed 0001) writes the
same list (frozen there); the demo calls `ensure` so that a flushed database gets them back."""

from __future__ import annotations

from .models import Indicator

INDICATORS = [
    ("gdp", "地区生产总值", "amount", "GDP、生产总值、地区生产总值总量"),
    ("gdp_growth", "地区生产总值增长", "growth", "GDP增长、生产总值增长、GDP增速、地区生产总值增速"),
    (
        "revenue",
        "一般公共预算收入",
        "amount",
        "地方一般公共预算收入、公共财政预算收入、财政一般预算收入、公共财政收入",
    ),
    (
        "revenue_growth",
        "一般公共预算收入增长",
        "growth",
        "一般公共预算收入增速、地方一般公共预算收入增长、公共财政预算收入增长",
    ),
    ("fai_growth", "固定资产投资增长", "growth", "固定资产投资增速、固投增长"),
    ("industry_growth", "规上工业增加值增长", "growth", "规模以上工业增加值增长、规上工业增加值增速"),
    ("industry", "工业增加值", "amount", "全部工业增加值"),
    ("industry_total_growth", "工业增加值增长", "growth", "全部工业增加值增长、工业增加值增速"),
    ("retail", "社会消费品零售总额", "amount", "社零总额"),
    ("retail_growth", "社会消费品零售总额增长", "growth", "社零增长、社会消费品零售总额增速、社零总额增长"),
]


def ensure() -> int:
    """Add the default indicators that are missing (an office's own edits are kept); returns how many."""
    have = set(Indicator.objects.values_list("code", flat=True))
    new = [
        Indicator(code=code, name=name, kind=kind, aliases=aliases, sort=sort * 10)
        for sort, (code, name, kind, aliases) in enumerate(INDICATORS, start=1)
        if code not in have
    ]
    Indicator.objects.bulk_create(new)
    return len(new)
