"""Probes for the process manager and the load balancer: liveness (/healthz) and readiness (/readyz).

Neither needs a session nor says more than "ok" or which dependency failed (never its error text,
which may name hosts); both are exempt from the HTTPS redirect so a local probe can ask over HTTP.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked, so a slow database does not get it restarted."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _jobs() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database and the job queue (Redis or its SQLite file) both answer."""
    checks: dict[str, str] = {}
    for name, probe in (("database", _database), ("jobs", _jobs)):
        try:
            probe()
        except Exception as exc:  # any failure of a dependency means "not ready", whatever its kind
            log.warning("readiness: %s unreachable: %s", name, type(exc).__name__)
            checks[name] = "unreachable"
        else:
            checks[name] = "ok"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
