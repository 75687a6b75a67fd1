"""Benchmark services: the division table (refusals, idempotence, the CLI), the district's own
figures (typed or from a task's measure), peer groups (validation, audit), the import CLI."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from luoshi.audit.models import Entry
from luoshi.benchmark import rules, services
from luoshi.benchmark.models import Indicator, PeerGroup, Region, Value
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from tests.factories import Personas

from .conftest import SAMPLES, csv_bytes, region


def test_a_bad_division_table_is_refused_whole(p: Personas) -> None:
    data = csv_bytes("code,name", "420000,湖北省", "42011,坏代码", "420100,", "420000,重复")
    with pytest.raises(LuoshiError) as exc:
        services.divisions_import(actor=p.officer, data=data, filename="d.csv")
    assert "第 3 行「code」" in exc.value.message and "第 4 行「name」" in exc.value.message
    assert "第 5 行「code」" in exc.value.message
    assert not Region.objects.exists()
    with pytest.raises(LuoshiError, match="code,name"):
        services.divisions_import(actor=p.officer, data=csv_bytes("a,b", "1,2"))
    with pytest.raises(NotAllowed):
        services.divisions_import(actor=p.leader, data=csv_bytes("code,name", "420000,湖北省"))


def test_divisions_are_idempotent_and_renames_update(p: Personas) -> None:
    data = csv_bytes("code,name", "420000,湖北省", "420100,武汉市", "420112,东西湖区")
    first = services.divisions_import(actor=p.officer, data=data)
    assert (first.created, first.updated) == (3, 0)
    again = services.divisions_import(actor=p.officer, data=data)
    assert (again.created, again.updated) == (0, 0)
    renamed = services.divisions_import(
        actor=p.officer, data=data.replace("东西湖区".encode(), "东西湖新区".encode())
    )
    assert (renamed.created, renamed.updated) == (0, 1)
    assert region("420112").name == "东西湖新区" and region("420112").parent == region("420100")
    assert Entry.objects.filter(action="benchmark.divisions.imported").count() == 3


@pytest.mark.usefixtures("divisions")
def test_own_values_typed_or_from_a_task(p: Personas) -> None:
    gdp, growth = Indicator.objects.get(code="gdp"), Indicator.objects.get(code="gdp_growth")
    with pytest.raises(InvalidField, match="本区"):
        services.own_value_set(
            actor=p.officer, region=region("420112"), indicator=gdp, period=rules.PeriodKey(2024), value="1"
        )
    home = services.home_region_set(actor=p.officer, region=region("420112"), unit=p.district)
    with pytest.raises(InvalidField, match="根单位"):
        services.home_region_set(actor=p.officer, region=region("420113"), unit=p.unit_a)
    with pytest.raises(InvalidField) as bad:
        services.own_value_set(
            actor=p.officer, region=home, indicator=growth, period=rules.PeriodKey(2024), value="很快"
        )
    assert bad.value.field == "value" and not Value.objects.exists()
    with pytest.raises(NotAllowed):
        services.own_value_set(
            actor=p.leader, region=home, indicator=gdp, period=rules.PeriodKey(2024), value="1"
        )
    v = services.own_value_set(
        actor=p.officer, region=home, indicator=gdp, period=rules.PeriodKey(2024), value="1,234.5"
    )
    assert v.value == Decimal("1234.5")
    v = services.own_value_set(
        actor=p.officer, region=home, indicator=gdp, period=rules.PeriodKey(2024), value="2616611万元"
    )
    assert Value.objects.get().value == Decimal("261.6611")
    # From a task's measure: its known value, in its measure's unit.
    plan = p.plan()
    task = p.task(plan, metric_name="地区生产总值", metric_unit="万元", target=Decimal(20_000_000))
    with pytest.raises(InvalidField, match="还没有填报"):
        services.own_value_set(
            actor=p.officer, region=home, indicator=gdp, period=rules.PeriodKey(2024), task=task
        )
    task.known_value = Decimal(13_500_000)
    v = services.own_value_set(
        actor=p.officer, region=home, indicator=gdp, period=rules.PeriodKey(2024), task=task
    )
    assert (v.value, v.task_id) == (Decimal(1350), task.pk) and v.source.startswith("任务")
    entry = Entry.objects.filter(action="benchmark.value.set").latest("pk")
    assert entry.data["task"] == task.pk and Decimal(entry.data["value"]) == 1350


@pytest.mark.usefixtures("divisions")
def test_peer_group_validation(p: Personas) -> None:
    home = region("420112")
    kw = dict(actor=p.officer, home=home)
    with pytest.raises(InvalidField, match="名称"):
        services.group_save(**kw, name=" ", members=[region("420113")])
    with pytest.raises(InvalidField, match="至少"):
        services.group_save(**kw, name="a", members=[home])
    with pytest.raises(InvalidField, match="标杆地区应是"):
        services.group_save(**kw, name="a", members=[region("420113")], benchmark=region("420115"))
    with pytest.raises(InvalidField, match="不能是本区"):
        services.group_save(**kw, name="a", members=[region("420113")], benchmark=home)
    with pytest.raises(NotAllowed):
        services.group_save(actor=p.leader, home=home, name="a", members=[region("420113")])
    assert not PeerGroup.objects.exists()
    g = services.group_save(**kw, name="a", members=[region("420113")], benchmark=region("420113"))
    with pytest.raises(InvalidField, match="同名"):
        services.group_save(**kw, name="a", members=[region("420114")])
    g = services.group_save(**kw, name="b", members=[region("420114")], group=g)
    assert sorted(g.members.values_list("code", flat=True)) == ["420112", "420114"] and g.benchmark is None
    entry = Entry.objects.filter(action="benchmark.group.saved").latest("pk")
    assert entry.before is not None and entry.before["name"] == "a"


def test_the_commands(p: Personas, tmp_path: Path) -> None:
    out = StringIO()
    call_command("import_divisions", "--as", "officer", stdout=out)
    assert "3213 divisions: 3213 created" in out.getvalue()
    out = StringIO()
    path = SAMPLES / "chongqing_districts_2019_gdp_rank.csv"
    call_command("import_stats", str(path), "--as", "officer", "--dry-run", stdout=out)
    assert "would import 18 values" in out.getvalue() and not Value.objects.exists()
    call_command("import_stats", str(path), "--as", "officer", stdout=out)
    assert Value.objects.count() == 18
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("地区,地区生产总值(亿元)", "渝北区,1"))
    with pytest.raises(CommandError, match="统计期"):
        call_command("import_stats", str(bad), "--as", "officer")
    call_command(
        "import_stats",
        str(bad),
        "--as",
        "officer",
        "--period",
        "2025年前三季度",
        "--within",
        "500000",
        stdout=out,
    )
    assert Value.objects.filter(period__quarter=3).count() == 1
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_stats", str(tmp_path / "none.csv"))
