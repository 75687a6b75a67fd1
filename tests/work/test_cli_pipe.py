"""`luoshi lights --plan 1 | head`: a console command whose reader closes early stops quietly,
without a BrokenPipeError traceback (issue 8)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import Personas

ROOT = Path(__file__).resolve().parent.parent.parent


def _database_url(tmp_path: Path) -> str:
    """A URL another process can open that holds what this test wrote."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_lights_into_a_reader_that_closes_early_exits_quietly(p: Personas, tmp_path: Path) -> None:
    plan = p.plan(head_approval=False)
    for i in range(150):  # ~150 KB of CSV: far more than a pipe buffers
        p.task(plan, title=f"任务{i}" + "落实" * 240, unit=p.unit_a)
    env = os.environ | {"DATABASE_URL": _database_url(tmp_path), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "luoshi", "lights", "--plan", str(plan.pk), "--date", "2024-07-01"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    header = proc.stdout.readline()
    proc.stdout.close()  # like `head -1`
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert header.startswith(b"id,title,lead_unit")
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141


@pytest.mark.django_db(transaction=True)
def test_lights_with_a_reader_that_reads_all_exits_0(p: Personas, tmp_path: Path) -> None:
    plan = p.plan(head_approval=False)
    p.task(plan, title="推进重大项目建设", unit=p.unit_a)
    env = os.environ | {"DATABASE_URL": _database_url(tmp_path)}
    cmd = [sys.executable, "-m", "luoshi", "lights", "--plan", str(plan.pk), "--date", "2024-07-01"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "推进重大项目建设" in done.stdout
