from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import Personas

# Hypothesis' default 200 ms deadline per example measures the machine's load, not the rule: on the
# shared 2-core machine and on CI a pure rule's example sometimes waits longer than that for a core.
hypothesis_settings.register_profile("luoshi", deadline=None)
hypothesis_settings.load_profile("luoshi")


def _once_on(item: pytest.Item) -> str | None:
    """The database a test runs on when `make test` runs both (None: both). A test that never touches
    the database runs on SQLite. A browser test drives the
    pages, not a database, and a live server's test costs a flush of every table after it, cheap on
    SQLite and seconds on PostgreSQL: it runs on SQLite. A whole-district scenario (`scenario`,
    the application's logic over months) and the schema fuzz (`fuzz`, where wrong input most often
    becomes a server error on the production database) run on PostgreSQL."""
    in_browser_dir = "/tests/browser/" in Path(str(item.fspath)).as_posix()
    if item.get_closest_marker("browser") is not None or in_browser_dir:
        return "sqlite"
    if item.get_closest_marker("scenario") is not None or item.get_closest_marker("fuzz") is not None:
        return "postgres"
    if item.get_closest_marker("postgres") is None and not _uses_database(item):
        return "sqlite"  # a pure test (rules, parsers, templates of strings): no database to differ by
    return None


# The fixtures through which a test reaches the database. pytest-django refuses any other access, so a
# test whose fixture closure holds none of them (and has no `django_db` mark) cannot depend on which
# database runs: it runs once per `make test`.
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & _DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    here = "postgres" if on_postgres else "sqlite"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run by `make test-postgres`)")
    # `make test` sets LUOSHI_BOTH_DATABASES=1 on both runs when it runs SQLite and then PostgreSQL:
    # each test marked for one database then runs once, there (tests/README.md, "Speed").
    both = os.environ.get("LUOSHI_BOTH_DATABASES") == "1"
    for item in items:
        if item.get_closest_marker("postgres") is not None and not on_postgres:
            item.add_marker(skip_pg)
        once = _once_on(item) if both else None
        if once is not None and once != here:
            item.add_marker(pytest.mark.skip(reason=f"runs once per `make test`, in its {once} run"))


@pytest.fixture
def p(db: None) -> Personas:
    return Personas()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LUOSHI_AUDIT_ANCHOR_DIR = str(tmp_path / "audit-anchor")  # each test's own checkpoints
    settings.LUOSHI_REMINDERS = False  # deadline reminders: tests/notify/test_reminders.py turns them on
    settings.LUOSHI_DEMO_ALLOWED = True  # the demo loads as under LUOSHI_DEBUG; tests/identity checks refusal


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: cached figures are keyed by plan id, and ids come back
    in a database rolled back after each test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Any:
    """Every test starts in the site language (简体中文): a request in English earlier in the same
    thread leaves English active, and messages built outside a request would follow it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
