from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.benchmark import defaults, services
from luoshi.benchmark.models import PeerGroup, Region
from tests.factories import Personas

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "benchmark"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture(autouse=True)
def _default_indicators(request: pytest.FixtureRequest) -> None:
    """The default indicators, written by a data migration, are gone after any transactional test
    (a live server's) ran earlier in the same worker: its flush empties every table. Put them back."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            defaults.ensure()
            return


@pytest.fixture
def divisions(p: Personas) -> None:
    """The full reference table of administrative divisions (3,213 codes)."""
    services.divisions_import(actor=p.officer)


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


PEERS = ["420112", "420113", "420114", "420115", "420116", "420117"]


def figures_csv(n: int = 6) -> bytes:
    """GDP and its growth for `n` Wuhan districts in 2023 and 2024: 东西湖区 (420112) is 3rd of the
    first six in 2023 and 2nd in 2024."""
    gdp = {
        2023: ["700", "750", "600", "1000", "650", "500"],
        2024: ["800", "420", "610", "1,050", "660", "520"],
    }
    lines = ["地区,adcode,年份,地区生产总值(亿元),GDP增长%"]
    for year in (2023, 2024):
        for i, code in enumerate(PEERS[:n]):
            growth = f"增长{5 + i}%" if year == 2024 else f"{4 + i}"
            lines.append(f'{region(code).name},{code},{year},"{gdp[year][i]}",{growth}')
    return csv_bytes(*lines)


def make_group(p: Personas, n: int = 6) -> PeerGroup:
    from luoshi.benchmark import importer

    home = services.home_region_set(actor=p.officer, region=region("420112"), unit=p.district)
    group = services.group_save(
        actor=p.officer,
        name="武汉新城区对标",
        home=home,
        members=[region(c) for c in PEERS[1:n]],
        benchmark=region("420115"),
    )
    importer.stats_import(actor=p.officer, data=figures_csv(n), filename="figures.csv")
    return group
