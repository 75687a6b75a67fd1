"""Settings from the environment: DATABASE_URL parsing, loud failures, and .env.example kept complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.lib.env import ConfigError, env_bool, env_int, env_list, parse_database_url, redact

ROOT = Path(__file__).resolve().parent.parent.parent
BASE = Path("/srv/luoshi")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///var/luoshi.sqlite3", str(BASE / "var/luoshi.sqlite3")),
        ("sqlite:///db.sqlite3", str(BASE / "db.sqlite3")),
        ("sqlite://db.sqlite3", str(BASE / "db.sqlite3")),
        ("sqlite:////data/luoshi/db.sqlite3", "/data/luoshi/db.sqlite3"),
        ("sqlite:////tmp/%E8%90%BD%E5%AE%9E.db", "/tmp/落实.db"),
        ("SQLITE:////tmp/x.db", "/tmp/x.db"),
    ],
)
def test_sqlite_file_urls(url, name):
    db = parse_database_url(url, BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == name
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://:memory:"])
def test_sqlite_memory(url):
    assert parse_database_url(url, BASE) == {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


def test_postgres_with_everything():
    db = parse_database_url(
        "postgres://luoshi:p%40ss%3Aw0rd@db.internal:6432/luoshi_prod?sslmode=require&conn_max_age=0"
        "&application_name=luoshi",
        BASE,
    )
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "luoshi_prod",
        "USER": "luoshi",
        "PASSWORD": "p@ss:w0rd",
        "HOST": "db.internal",
        "PORT": "6432",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"sslmode": "require", "application_name": "luoshi", "options": "-c jit=off"},
    }


# ids must not be the bare word "postgres": that keyword marks a test as PostgreSQL-only (conftest).
@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"], ids=lambda s: f"scheme-{s}")
def test_postgres_minimal(scheme):
    db = parse_database_url(f"{scheme}://postgres@127.0.0.1/luoshi", BASE)
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "postgres",
        "",
        "127.0.0.1",
        "",
        "luoshi",
    )
    assert db["CONN_MAX_AGE"] == 60 and db["OPTIONS"] == {"options": "-c jit=off"}


def test_postgres_jit_is_off_unless_the_url_says_otherwise():
    db = parse_database_url("postgres://postgres@127.0.0.1/luoshi?options=-c%20jit%3Don", BASE)
    assert db["OPTIONS"] == {"options": "-c jit=on"}


@pytest.mark.postgres
def test_connections_run_without_jit(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://root@localhost/luoshi", "scheme must be sqlite:// or postgres://"),
        ("luoshi.sqlite3", "scheme must be sqlite:// or postgres://"),
        ("", "scheme must be sqlite:// or postgres://"),
        ("sqlite://", "no file name"),
        ("sqlite:///", "no file name"),
        ("postgres://postgres@127.0.0.1:5432/", "no database name"),
        ("postgres://postgres@127.0.0.1:54x2/luoshi", "the port must be a number"),
        ("postgres://postgres@127.0.0.1/luoshi?conn_max_age=soon", "conn_max_age must be an integer"),
    ],
)
def test_bad_database_urls_raise_config_error(url, words):
    with pytest.raises(ConfigError) as exc:
        parse_database_url(url, BASE)
    assert words in str(exc.value)


def test_errors_never_show_the_password():
    with pytest.raises(ConfigError) as exc:
        parse_database_url("postgres://luoshi:s3cret@db:5432/", BASE)
    assert "s3cret" not in str(exc.value) and "luoshi:***@db:5432" in str(exc.value)
    assert redact("postgres://u@h/db") == "postgres://u@h/db"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" on ", True),
        ("0", False),
        ("False", False),
        ("no", False),
    ],
)
def test_env_bool_values(monkeypatch, raw, value):
    monkeypatch.setenv("LUOSHI_X", raw)
    assert env_bool("LUOSHI_X", not value) is value


def test_env_defaults_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("LUOSHI_X", raising=False)
    assert env_bool("LUOSHI_X", True) is True and env_int("LUOSHI_X", 7) == 7
    assert env_list("LUOSHI_X", ["a"]) == ["a"]
    monkeypatch.setenv("LUOSHI_X", "")
    assert env_bool("LUOSHI_X", False) is False and env_int("LUOSHI_X", 7) == 7
    monkeypatch.setenv("LUOSHI_X", " a.gov.cn, ,b.gov.cn ")
    assert env_list("LUOSHI_X", []) == ["a.gov.cn", "b.gov.cn"]


@pytest.mark.parametrize("raw", ["2", "maybe", "tru", "开"])
def test_env_bool_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("LUOSHI_X", raw)
    with pytest.raises(ConfigError) as exc:
        env_bool("LUOSHI_X", False)
    assert "LUOSHI_X" in str(exc.value) and "expected true/false" in str(exc.value)


@pytest.mark.parametrize("raw", ["ten", "1.5", "20MB"])
def test_env_int_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("LUOSHI_X", raw)
    with pytest.raises(ConfigError) as exc:
        env_int("LUOSHI_X", 1)
    assert "LUOSHI_X" in str(exc.value) and "expected an integer" in str(exc.value)


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k not in {"DATABASE_URL", "DB"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import luoshi.settings as s; print(s.DATABASES['default']['NAME'])"],
        cwd=ROOT,
        env=clean | {"LUOSHI_DATA_DIR": "/tmp/luoshi-settings-test"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_start_with_safe_defaults_and_refuse_bad_values():
    ok = _load_settings()
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "/tmp/luoshi-settings-test/luoshi.sqlite3"
    bad = _load_settings(LUOSHI_DEBUG="perhaps")
    assert bad.returncode != 0 and "ConfigError" in bad.stderr and "LUOSHI_DEBUG" in bad.stderr
    prod = _load_settings(LUOSHI_PRODUCTION="1")
    assert prod.returncode != 0 and "LUOSHI_SECRET_KEY" in prod.stderr
    url = _load_settings(DATABASE_URL="mysql://x/y")
    assert url.returncode != 0 and "scheme must be" in url.stderr


def test_env_example_lists_every_variable_settings_reads():
    source = (ROOT / "luoshi" / "settings.py").read_text(encoding="utf-8")
    read = set(
        re.findall(
            r"""(?:environ\.get|env_bool|env_int|env_list|env_networks)\(\s*["']([A-Z][A-Z0-9_]*)["']""",
            source,
        )
    )
    assert {"DATABASE_URL", "LUOSHI_SECRET_KEY", "LUOSHI_DEBUG"} <= read
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert read - listed == set(), f"add to .env.example: {sorted(read - listed)}"
    # Every listed variable has a one-line comment right above it.
    lines = example.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            assert lines[i - 1].startswith("#"), f"no comment above {line}"


def _luoshi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The `luoshi` console command in a subprocess, with only `env`'s Luoshi settings."""
    script = Path(sys.executable).parent / "luoshi"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "luoshi"]
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k not in {"DATABASE_URL", "DB"}
    }
    return subprocess.run(
        [*cmd, *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=300
    )


def test_commands_work_on_a_fresh_checkout_whatever_the_database(tmp_path):
    """A fresh clone has no data folder: the job queue's SQLite file must not need one made first.
    (`migrate` of one small app: the whole graph takes ~10 s on SQLite and runs anyway, in memory,
    for every test database.)"""
    data_dir = tmp_path / "fresh" / "var"  # does not exist, as in a fresh clone before `make run`
    db = tmp_path / "db" / "l.sqlite3"
    db.parent.mkdir()
    migrate = _luoshi(
        "migrate",
        "contenttypes",
        "--noinput",
        "-v0",
        env={"LUOSHI_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{db}"},
    )
    assert migrate.returncode == 0, migrate.stderr
    assert db.exists() and (data_dir / "jobs.sqlite3").exists()
    # PostgreSQL without Redis: the queue is still a SQLite file in the data folder (not connected
    # to the database here: `check` runs without it).
    data_dir2 = tmp_path / "fresh2" / "var"
    check = _luoshi(
        "check",
        env={"LUOSHI_DATA_DIR": str(data_dir2), "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"},
    )
    assert check.returncode == 0, check.stderr
    assert (data_dir2 / "jobs.sqlite3").exists()


def test_static_files_are_served_without_collectstatic(client, settings, tmp_path):
    """Whatever starts the server, its styles and scripts are there: no `collectstatic` first."""
    settings.STATIC_ROOT = tmp_path / "never-collected"
    assert not settings.DEBUG
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"htmx" in body[:2000]


def test_a_read_replica_needs_postgresql_on_both_sides() -> None:
    sqlite = _load_settings(DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5432/luoshi")
    assert sqlite.returncode != 0 and "DATABASE_REPLICA_URL" in sqlite.stderr
    both = subprocess.run(
        [sys.executable, "-c", "import luoshi.settings as s; print(s.DATABASES['replica'])"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k != "DB"}
        | {
            "LUOSHI_DATA_DIR": "/tmp/luoshi-settings-test",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/luoshi",
            "DATABASE_REPLICA_URL": "postgres://reader@10.0.0.2:5433/luoshi",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert both.returncode == 0, both.stderr
    assert "'PORT': '5433'" in both.stdout and "'MIRROR': 'default'" in both.stdout
