"""Demo data for benchmark (对标): the administrative divisions, the demo district's own region (the
demo's 临江区 stands on 东西湖区's code, 420112, since it is modelled on it) and its peers, the other
new-town districts of 武汉 with 江夏区 as 标杆, with two full years of figures imported through the
real statistics importer, so that the ranking page shows movement. The sample statistics tables
(重庆, 南京年鉴, county bulletins) name no 武汉 district, so the figures are deterministic for a
given `today`."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from luoshi.org.models import Unit

from . import defaults, importer, services
from .models import Region

HOME = "420112"
BENCHMARK = "420115"
PEERS = ("420113", "420114", "420115", "420116", "420117")
# GDP (亿元) the year before last, and the growth the district and the 标杆 had last year: the
# district overtakes the 标杆 on GDP, so its rank moves up one place.
BASE_GDP = {"420112": 1280, "420113": 520, "420114": 700, "420115": 1300, "420116": 1150, "420117": 980}
FIXED_GROWTH = {"420112": Decimal("7.5"), "420115": Decimal("4.0")}
HEADER = (
    "地区,adcode,年份,地区生产总值(亿元),GDP增长%,一般公共预算收入(万元),一般公共预算收入增长%,"
    "固定资产投资增长%,规上工业增加值增长%,社会消费品零售总额(亿元),社零增长%"
)


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def statistics_table(today: date) -> bytes:
    """The demo's statistics table: six districts, two full years, numbers printed as bulletins
    print them (thousands separators, 万元 for revenue, growth as 增长/下降 text)."""
    rng = random.Random(f"benchmark:{today.isoformat()}")
    first, last = today.year - 2, today.year - 1
    lines = [HEADER]
    names = dict(Region.objects.filter(code__in=BASE_GDP).values_list("code", "name"))
    for code, base in BASE_GDP.items():
        jitter = rng.randint(0, 40)
        gdp0 = Decimal(base) + (0 if code in FIXED_GROWTH else jitter)
        growth0 = _q(Decimal(rng.uniform(3.0, 8.0)), "0.1")
        growth1 = FIXED_GROWTH.get(code) or _q(Decimal(rng.uniform(2.0, 8.5)), "0.1")
        gdp1 = _q(gdp0 * (1 + growth1 / 100))
        for year, gdp, growth in ((first, gdp0, growth0), (last, gdp1, growth1)):
            revenue = _q(gdp * Decimal(rng.uniform(0.05, 0.09)) * 10_000, "1")  # 万元
            rev_growth = _q(Decimal(rng.uniform(-6.0, 10.0)), "0.1")
            fai = _q(Decimal(rng.uniform(-4.0, 12.0)), "0.1")
            industry = _q(Decimal(rng.uniform(2.0, 11.0)), "0.1")
            retail = _q(gdp * Decimal(rng.uniform(0.25, 0.4)))
            retail_growth = _q(Decimal(rng.uniform(2.0, 9.0)), "0.1")
            rev_text = f"增长{rev_growth}%" if rev_growth >= 0 else f"下降{-rev_growth}%"
            lines.append(
                f'{names[code]},{code},{year},"{gdp:,}",{growth},"{revenue:,}",{rev_text},'
                f"{fai},{industry},{retail},{retail_growth}%"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*, today: date, officer: Any, district: Unit) -> dict[str, int]:
    defaults.ensure()
    services.divisions_import(actor=officer)
    home = services.home_region_set(actor=officer, region=Region.objects.get(code=HOME), unit=district)
    services.group_save(
        actor=officer,
        name="武汉市新城区对标",
        home=home,
        members=list(Region.objects.filter(code__in=PEERS)),
        benchmark=Region.objects.get(code=BENCHMARK),
    )
    done = importer.stats_import(
        actor=officer, data=statistics_table(today), filename="武汉市新城区主要经济指标（演示）.csv"
    )
    return {"benchmark_regions": Region.objects.count(), "benchmark_values": done.created + done.updated}


def build(builder: Any) -> None:
    """The demo district's peer group and figures (called at the end of `luoshi.demo.build`)."""
    root = next(u for u in builder.units.values() if u.parent_id is None)
    builder.counts.update(load(today=builder.today, officer=builder.users["ducha1"], district=root))
