"""The Makefile's promises, read from what `make -n` would run (nothing is installed here)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def dry_run(target: str) -> str:
    out = subprocess.run(
        ["make", "-n", "-B", target, "PYTHON=true"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_make_run_installs_the_pdf_fonts_and_pango_but_not_the_test_tools() -> None:
    run = dry_run("run")
    assert "fonts-noto-cjk" in run and "libpango-1.0-0" in run and "apt-get install" in run
    assert "runserver" in run
    # The browser and the PDF-to-image tool are for the tests only.
    assert "chromium" not in run and "poppler-utils" not in run


def test_make_test_still_installs_everything_the_tests_need() -> None:
    test = dry_run("system-deps")
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "chromium", "poppler-utils"):
        assert package in test
