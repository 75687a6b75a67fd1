"""A bounded schemathesis run over the whole OpenAPI schema, through the WSGI app, with a real token.

Every operation gets generated requests (valid ones and, in negative mode, deliberately wrong ones:
wrong types, out-of-range numbers, NUL characters, absurd dates) against a small realistic data
set. Each answer must be no server error, a status code the schema documents for the operation,
the documented content type, and a body that matches the documented schema.

The run is bounded by LUOSHI_SCHEMATHESIS_EXAMPLES per operation: 50 on PostgreSQL, the production
database, where wrong input most often turns into a server error (NUL characters, integers past the
column's range), 25 on SQLite. When `make test` runs both databases, the module (marked `fuzz`) runs
only in the PostgreSQL run (tests/conftest.py `_once_on`); a `make test` without PostgreSQL runs it on
SQLite. With the areas' routers the schema has grown to about sixty operations, and 100 examples each
on PostgreSQL took about 150 s of the workers' time in `make test` (`--durations`, 2026-11-30); set
LUOSHI_SCHEMATHESIS_EXAMPLES=100 or more for a longer hunt. The case count is printed at the end of
the module (`-n 0`; pytest-xdist workers' prints are not shown).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as oas

from luoshi.org.services import token_create
from luoshi.work.services import report_submit
from tests.factories import Personas

FULL_BUDGET, SQLITE_BUDGET = 50, 25
EXAMPLES = int(
    os.environ.get(
        "LUOSHI_SCHEMATHESIS_EXAMPLES",
        FULL_BUDGET if os.environ.get("DATABASE_URL", "").startswith("postgres") else SQLITE_BUDGET,
    )
)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    oas.status_code_conformance,
    oas.content_type_conformance,
    oas.response_schema_conformance,
]
CASES: Counter[str] = Counter()

pytestmark = pytest.mark.fuzz

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(scope="module", autouse=True)
def _report_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if CASES:
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(
                f"\nschemathesis: {sum(CASES.values())} cases over {len(CASES)} operations "
                f"({EXAMPLES} examples per operation)"
            )


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes database connections when a request ends, which would end the test's
    transaction on PostgreSQL; Django's own test client disconnects the same signal handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(p: Personas) -> str:
    """An officer's real API token over two plans with a task tree, co-units and reports."""
    plan = p.plan(head_approval=False)
    t1 = p.task(
        plan,
        title="推进重大项目建设",
        unit=p.unit_a,
        co_units=[p.unit_b],
        code="1",
        milestones=[("开工", date(2024, 6, 30))],
    )
    p.task(plan, title="完成用地审批", unit=p.unit_a, code="1.1", parent=t1)
    t3 = p.task(plan, title="财政收入增长", unit=p.unit_b, code="2")
    report_submit(actor=p.reporter_a, task=t1, percent=40, narrative="已开工", on=date(2024, 6, 20))
    report_submit(actor=p.reporter_b, task=t3, percent=10, narrative="偏慢", on=date(2024, 6, 20))
    other = p.plan(name="财政专项", head_approval=True)
    p.task(other, title="预算绩效评价", unit=p.unit_b)
    token_create(actor=p.reporter_a, user=p.reporter_a, name="他人的令牌")
    _, raw = token_create(actor=p.officer, user=p.officer, name="schemathesis")
    return raw


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,  # the same cases on every run: a failure in CI reproduces, a pass is not luck
)
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    CASES[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
