"""The shared test helpers (tests/helpers.py): persona subsets, client_for and exact query counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from luoshi.org.models import Unit
from tests import helpers
from tests.helpers import PERSONAS, TABLE, VENDORS, client_for, exact_queries, personas


def test_subsets_keep_the_order_and_refuse_unknown_names() -> None:
    assert personas() == list(PERSONAS)
    assert personas(but=["officer", "anonymous"]) == [
        "reporter_a",
        "head_a",
        "reporter_b",
        "leader",
        "auditor",
    ]
    assert TABLE == ["reporter_a", "head_a", "reporter_b", "leader", "officer", "anonymous"]
    with pytest.raises(ValueError, match="officr"):
        personas(but=["officr"])


def test_every_persona_name_is_a_persona(p: Any) -> None:
    assert all(hasattr(p, name) for name in PERSONAS)
    assert p.anonymous is None


def test_client_for_signs_in_or_stays_anonymous(p: Any) -> None:
    assert client_for(None).get("/work/tasks/").status_code == 302
    assert client_for(p.officer).get("/work/tasks/").status_code == 200


@pytest.fixture
def baselines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "query_counts.json"
    monkeypatch.setattr(helpers, "BASELINES", path)
    monkeypatch.delenv(helpers.RECORD_ENV, raising=False)
    return path


def _two_queries() -> None:
    list(Unit.objects.filter(code="X1"))
    list(Unit.objects.filter(code="X2"))


@pytest.mark.django_db
def test_equal_count_passes_and_reports_it(baselines: Path) -> None:
    baselines.write_text(json.dumps({"two": 2}))
    with exact_queries("two") as counted:
        _two_queries()
    assert counted.count == 2 and all("org_unit" in sql for sql in counted.queries)


@pytest.mark.django_db
@pytest.mark.parametrize("recorded", [1, 3])
def test_any_other_count_fails_with_both_numbers_and_the_queries(baselines: Path, recorded: int) -> None:
    baselines.write_text(json.dumps({"two": recorded}))
    with pytest.raises(pytest.fail.Exception) as failed:
        with exact_queries("two"):
            _two_queries()
    message = str(failed.value)
    assert f"measured 2, baseline {recorded}" in message
    assert "X1" in message and "X2" in message and "LUOSHI_RECORD_QUERY_COUNTS=1" in message


@pytest.mark.django_db
def test_unrecorded_name_fails(baselines: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="no query-count baseline 'new'"):
        with exact_queries("new"):
            _two_queries()


@pytest.mark.django_db
def test_the_other_vendors_count_is_not_this_ones(baselines: Path) -> None:
    other = next(v for v in VENDORS if v != connection.vendor)
    baselines.write_text(json.dumps({"two": {connection.vendor: 2, other: 5}}))
    with exact_queries("two"):
        _two_queries()
    baselines.write_text(json.dumps({"two": {connection.vendor: 5, other: 2}}))
    with pytest.raises(pytest.fail.Exception):
        with exact_queries("two"):
            _two_queries()


@pytest.mark.django_db
def test_recording_rewrites_the_file_instead_of_failing(
    baselines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(helpers.RECORD_ENV, "1")
    with exact_queries("two"):
        _two_queries()
    assert json.loads(baselines.read_text()) == {"two": 2}
    baselines.write_text(json.dumps({"two": 7, "other": 1}))
    with exact_queries("two"):
        _two_queries()
    other = next(v for v in VENDORS if v != connection.vendor)
    assert json.loads(baselines.read_text()) == {"two": {connection.vendor: 2, other: 7}, "other": 1}


def test_one_number_while_vendors_agree_a_map_once_they_differ(tmp_path: Path) -> None:
    path = tmp_path / "counts.json"
    helpers.record_count("x", "sqlite", 4, path)
    assert json.loads(path.read_text()) == {"x": 4}
    helpers.record_count("x", "postgresql", 5, path)
    assert json.loads(path.read_text()) == {"x": {"postgresql": 5, "sqlite": 4}}
    helpers.record_count("x", "sqlite", 5, path)
    assert json.loads(path.read_text()) == {"x": 5}


def test_the_recorded_file_is_well_formed() -> None:
    data = helpers.load_baselines()
    assert data, "tests/query_counts.json is missing or empty"
    for name, entry in data.items():
        counts = entry if isinstance(entry, dict) else {v: entry for v in VENDORS}
        assert set(counts) == set(VENDORS), name
        assert all(isinstance(n, int) and n >= 0 for n in counts.values()), name
        assert not isinstance(entry, dict) or len(set(entry.values())) == 2, f"{name}: equal counts as a map"
