"""Key projects for tests, built through the services."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from luoshi.projects.models import Project
from luoshi.projects.services import project_create

_seq = count(1)


def make_project(
    p: Any, *, unit: Any = None, year: int = 2024, annual_plan: Any = 1000, **kw: Any
) -> Project:
    n = next(_seq)
    defaults: dict[str, Any] = dict(
        name=f"测试项目{n}",
        code=f"XM{n:04d}",
        category="industry",
        lead_unit=unit or p.unit_a,
        year=year,
        annual_plan=annual_plan,
        total_investment=10000,
    )
    defaults.update(kw)
    return project_create(actor=p.officer, **defaults)


D = date
