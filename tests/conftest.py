from __future__ import annotations

import os
from typing import Any

import pytest

from tests.factories import Personas


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run by `make test-postgres`)")
    # `make test` sets LUOSHI_SCENARIOS_LATER=1 on its SQLite run when the PostgreSQL run follows: the
    # whole-district scenarios then run once, on PostgreSQL (tests/README.md, "Speed").
    later = os.environ.get("LUOSHI_SCENARIOS_LATER") == "1" and not on_postgres
    skip_scenario = pytest.mark.skip(reason="a scenario: runs in this `make test`'s PostgreSQL run")
    for item in items:
        if item.get_closest_marker("postgres") is not None and not on_postgres:
            item.add_marker(skip_pg)
        if later and item.get_closest_marker("scenario") is not None:
            item.add_marker(skip_scenario)


@pytest.fixture
def p(db: None) -> Personas:
    return Personas()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LUOSHI_REMINDERS = False  # deadline reminders: tests/notify/test_reminders.py turns them on


@pytest.fixture(autouse=True)
def _site_language() -> Any:
    """Every test starts in the site language (简体中文): a request in English earlier in the same
    thread leaves English active, and messages built outside a request would follow it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
