"""The deployment files (deploy/) agree with the code they start: commands that exist, the address
nginx proxies to, the probes, the proxy headers Django trusts, the upload size."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = (DEPLOY / "nginx" / "luoshi.conf").read_text(encoding="utf-8")


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def _exec(path: Path) -> list[str]:
    words = shlex.split(_unit(path)["Service"]["ExecStart"])
    if words[:2] == ["/bin/sh", "-c"]:
        words = shlex.split(words[2].replace("%%", "%"))[1:]  # drop the `exec`
    return words


def test_every_service_runs_as_luoshi_hardened_from_the_env_file():
    assert {u.name for u in UNITS} == {"luoshi-web.service", "luoshi-worker.service", "luoshi-backup.service"}
    for path in UNITS:
        service = _unit(path)["Service"]
        assert service["User"] == "luoshi" and service["EnvironmentFile"] == "/etc/luoshi/luoshi.env", path
        assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "true", path
        assert "/var/lib/luoshi" in service["ReadWritePaths"].split(), path


@pytest.mark.parametrize("name", ["luoshi-worker.service", "luoshi-backup.service"])
def test_the_commands_the_units_start_exist(name):
    words = _exec(DEPLOY / "systemd" / name)
    assert words[0] == "/srv/luoshi/.venv/bin/luoshi"
    assert words[1].replace("-", "_") in get_commands(), words


def test_the_web_unit_serves_the_wsgi_app_where_nginx_proxies():
    words = _exec(DEPLOY / "systemd" / "luoshi-web.service")
    assert words[0].endswith("/gunicorn") and "luoshi.wsgi:application" in words
    import luoshi.wsgi  # noqa: F401  # the module the unit names imports

    bind = words[words.index("--bind") + 1]
    upstream = re.search(r"upstream luoshi_web \{\s*server ([^;\s]+);", NGINX)
    assert upstream is not None and upstream.group(1) == bind == "127.0.0.1:8000"
    assert _unit(DEPLOY / "systemd" / "luoshi-backup.timer")["Timer"]["OnCalendar"]


def test_nginx_sends_what_django_trusts_and_takes_the_largest_upload():
    # Production mode reads the scheme from X-Forwarded-Proto (settings.py), which nginx must set.
    source = (ROOT / "luoshi" / "settings.py").read_text(encoding="utf-8")
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in source
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    size = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert size is not None and int(size.group(1)) * 1024 * 1024 > settings.LUOSHI_UPLOAD_MAX_BYTES
    for probe in re.findall(r"location = (/\w+)", NGINX):
        assert resolve(probe).url_name in {"healthz", "readyz"}, probe
    assert set(re.findall(r"location = (/\w+)", NGINX)) == {"/healthz", "/readyz"}


def test_the_operations_guide_names_every_deploy_file():
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for path in [*UNITS, DEPLOY / "nginx" / "luoshi.conf"]:
        assert path.relative_to(ROOT).as_posix() in guide, path
    assert "luoshi-backup.timer" in guide
