"""Production posture: check --deploy, headers, the API schema behind sign-in, probes, JSON logs,
no demo data and no relaxed second factor without LUOSHI_DEBUG."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from luoshi.audit import keys
from luoshi.lib.jsonlog import JsonFormatter
from luoshi.org.models import ApiToken
from luoshi.org.services import token_create
from tests.helpers import client_for

ROOT = Path(__file__).resolve().parents[2]
# Left out of a production process's environment: the test run's own (the browser tests' conftest
# sets DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly reports).
SET_BY_TESTS = {"DATABASE_URL", "DB", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _production_env(tmp_path: Path) -> dict[str, str]:
    """What an operator sets for production mode: secrets, hosts, and the audit trail's keys and
    checkpoint directory (luoshi/audit, docs/operations.md)."""
    folder = tmp_path / "audit-keys"
    signing, verifying = folder / "audit-signing.pem", folder / "audit-verify.pem"
    if not signing.exists():
        keys.generate(folder)
    return {
        "LUOSHI_PRODUCTION": "1",
        "LUOSHI_SECRET_KEY": "k" * 20 + "-production-test-key-" + "x" * 30,
        "LUOSHI_ALLOWED_HOSTS": "luoshi.example.gov.cn",
        "LUOSHI_DATA_DIR": str(tmp_path),
        "LUOSHI_AUDIT_KEY": "a" * 16 + "-production-audit-key-" + "z" * 16,
        "LUOSHI_AUDIT_SIGNING_KEY": str(signing),
        "LUOSHI_AUDIT_VERIFY_KEY": str(verifying),
        "LUOSHI_AUDIT_ANCHOR_DIR": str(tmp_path / "anchor"),
        # Sensitive fields (SM4) and their lookup hashes (luoshi/lib/crypto_fields.py).
        "LUOSHI_FIELD_KEYS": "p1:" + "5a" * 16,
        "LUOSHI_FIELD_HASH_KEY": "h" * 40,
    }


def _production(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k not in SET_BY_TESTS}
    prod = _production_env(tmp_path)
    return subprocess.run(
        [sys.executable, *code.split(" ", 1)]
        if code.startswith("manage.py")
        else [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | prod | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k not in SET_BY_TESTS}
        | _production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_mode_turns_the_debug_allowances_off(tmp_path):
    code = (
        "import luoshi.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.LUOSHI_2FA_RELAXED, s.LUOSHI_DEMO_ALLOWED, s.LUOSHI_SUPERUSER_BYPASS,"
        " s.LUOSHI_API_DOCS_PUBLIC)"
    )
    run = _production(tmp_path, code, LUOSHI_2FA_RELAXED="1")
    assert run.stdout.split() == ["True", "True", "True", "True", "False", "False", "False", "False"], (
        run.stderr
    )
    both = _production(tmp_path, code, LUOSHI_DEBUG="1")
    assert both.returncode != 0 and "cannot both be on" in both.stderr
    # `make run` (LUOSHI_DEBUG=1): the demo loads and its accounts sign in with the password alone.
    debug = _production(tmp_path, code, LUOSHI_PRODUCTION="0", LUOSHI_DEBUG="1")
    assert debug.stdout.split() == ["False", "False", "False", "False", "True", "True", "True", "True"], (
        debug.stderr
    )
    bad_log = _production(tmp_path, code, LUOSHI_LOG_FORMAT="xml")
    assert bad_log.returncode != 0 and "LUOSHI_LOG_FORMAT" in bad_log.stderr


def test_demo_refused_without_debug(settings, db):
    settings.LUOSHI_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="LUOSHI_DEBUG"):
        call_command("demo", "--small")
    from luoshi.org.models import Unit

    assert not Unit.objects.exists()


def test_csp_and_security_headers(p):
    for client, url in ((client_for(None), "/login/"), (client_for(p.officer), "/work/tasks/")):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_event_handlers_in_templates():
    """CSP allows no inline script: handlers belong in static .js files."""
    import re

    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "luoshi").rglob("*.html")
        if re.search(r"\son[a-z]+=\"", path.read_text(encoding="utf-8"))
        or re.search(
            r"<script(?![^>]*(\bsrc=|type=\"application/json\"))[^>]*>", path.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_api_schema_behind_sign_in_in_production(p, settings, url):
    settings.LUOSHI_API_DOCS_PUBLIC = False
    anonymous = client_for(None).get(url)
    assert anonymous.status_code in (302, 401)
    assert client_for(p.reporter_a).get(url).status_code == 200
    _token, secret = token_create(actor=p.reporter_a, user=p.reporter_a, name="ci")
    assert client_for(None).get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client_for(None).get(url, HTTP_AUTHORIZATION="Bearer not-a-token").status_code in (302, 401)
    assert ApiToken.objects.count() == 1
    settings.LUOSHI_API_DOCS_PUBLIC = True
    assert client_for(None).get(url).status_code == 200


def test_liveness_and_readiness(db, monkeypatch):
    c = client_for(None)
    assert c.get("/healthz").json() == {"status": "ok"}
    ready = c.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "jobs": "ok"}

    def broken() -> None:
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setattr("luoshi.web.health._jobs", broken)
    down = c.get("/readyz")
    assert down.status_code == 503 and down.json()["jobs"] == "unreachable"
    assert "secret-host" not in down.content.decode()


def test_probes_are_exempt_from_the_https_redirect(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    c = client_for(None)
    assert c.get("/healthz").status_code == 200
    assert c.get("/login/").status_code == 301


def test_json_log_lines():
    record = logging.LogRecord("luoshi.jobs", logging.WARNING, __file__, 1, "job %s failed", (7,), None)
    record.job = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "luoshi.jobs"
    assert line["message"] == "job 7 failed" and line["job"] == 7 and line["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "ValueError: boom" in json.loads(JsonFormatter().format(record))["exception"]
