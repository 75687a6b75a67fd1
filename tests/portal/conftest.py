from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> Iterator[None]:
    """The page cache outlives each test's rolled-back database (whose generation starts again)."""
    cache.clear()
    yield
    cache.clear()
