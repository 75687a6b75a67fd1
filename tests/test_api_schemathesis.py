"""Property-based run of the whole OpenAPI schema (schemathesis) through the WSGI app."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as oas

from luoshi.org.services import token_create
from luoshi.work.services import report_submit
from tests.factories import Personas

CHECKS = [
    schemathesis.checks.not_a_server_error,
    oas.status_code_conformance,
    oas.content_type_conformance,
    oas.response_schema_conformance,
]


@pytest.fixture
def token(p: Personas) -> str:
    plan = p.plan(head_approval=False)
    t1 = p.task(plan, title="推进重大项目建设", unit=p.unit_a, co_units=[p.unit_b], code="1")
    p.task(plan, title="优化营商环境", unit=p.unit_a, code="2", parent=t1)
    t3 = p.task(plan, title="财政收入增长", unit=p.unit_b, code="3")
    report_submit(actor=p.reporter_a, task=t1, percent=40, narrative="已开工", on=date(2024, 6, 20))
    report_submit(actor=p.reporter_b, task=t3, percent=10, narrative="偏慢", on=date(2024, 6, 20))
    _, raw = token_create(actor=p.officer, user=p.officer, name="schemathesis")
    return raw


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
