"""CSV formula injection (OWASP): text cells that a spreadsheet would evaluate are neutralised in
every CSV export (the ledger, any exporter, `luoshi lights`), and numbers keep their values."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from luoshi.documents.exporters import INTEGER, PERCENT, Column, Exporter, iter_csv
from luoshi.lib.csvcell import neutralise

PAYLOADS = ["=cmd|' /C calc'!A0", '+HYPERLINK("http://x")', "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", PAYLOADS)
def test_formula_cells_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-5", "-12.50", "-3.0%", "+7", "-1e3", -4, Decimal("-2.5"), 0.0, "普通文字"]
)
def test_numbers_and_plain_text_are_kept(value: object) -> None:
    assert neutralise(value) == value


class _Mixed(Exporter):
    def columns(self) -> list[Column]:
        return [Column("名称"), Column("进度", kind=PERCENT), Column("数", kind=INTEGER), Column("说明")]

    def rows(self):  # type: ignore[no-untyped-def]
        yield ["=cmd|' /C calc'!A0", Decimal("-3.5"), -7, "-12.5"]
        yield ["@SUM(A1)", Decimal("10"), 3, "-1+1"]


def test_exporter_csv_neutralises_formulas_but_keeps_negative_numbers() -> None:
    rows = _rows("".join(iter_csv(_Mixed())).encode())
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-3.5%", "-7", "-12.5"]
    assert rows[2] == ["'@SUM(A1)", "10.0%", "3", "'-1+1"]


def test_ledger_csv_neutralises_a_formula_title(client, p) -> None:  # type: ignore[no-untyped-def]
    plan = p.plan(head_approval=False)
    p.task(plan, title="=cmd|' /C calc'!A0", unit=p.unit_a, code="1")
    p.task(plan, title="-普通任务", unit=p.unit_a, code="2")
    client.force_login(p.officer)
    response = client.get(f"/documents/ledger.csv?plan={plan.pk}&sort=code")
    assert response.status_code == 200
    rows = _rows(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'-普通任务"]
    for row in rows[1:]:
        assert row[6].endswith("%") and not row[6].startswith("'")


def test_lights_cli_neutralises_a_formula_title(p) -> None:  # type: ignore[no-untyped-def]
    plan = p.plan(head_approval=False)
    p.task(plan, title="@SUM(1+1)*cmd|' /C calc'!A0", unit=p.unit_a)
    out = io.StringIO()
    call_command("lights", "--plan", str(plan.pk), "--date", date(2024, 7, 1).isoformat(), stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][1] == "'@SUM(1+1)*cmd|' /C calc'!A0"
