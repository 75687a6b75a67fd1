from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.benchmark import services
from luoshi.benchmark.models import Region
from tests.factories import Personas

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "benchmark"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def divisions(p: Personas) -> None:
    """The full reference table of administrative divisions (3,213 codes)."""
    services.divisions_import(actor=p.officer)


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def region(code: str) -> Region:
    return Region.objects.get(code=code)
