#!/usr/bin/env python
"""Appeals' hot path (issue 14, speed: an appeal submitted ≤ 50 ms): the public form's POST, the
Open311 POST requests.json and the service call alone, with a realistic number of appeals already
stored.

    DATABASE_URL=postgres://…/luoshi_bench_ap python bench/appeals.py [--existing 20000] [--repeat 200]

Uses the database of DATABASE_URL (SQLite by default), migrated; adds one service routed to a unit
of its own and fills `--existing` appeals the first time (through the service, so the audit chain
is as long as it would be). Requests go through Django's test client in this process (server time:
view, form, service, audit entry and commit; no network), each one a new appeal. Prints median and
p90 and writes JSON under bench/results/; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1] * 1000, 2),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--existing", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from luoshi.appeals import services
    from luoshi.appeals.models import Appeal, Channel, Service
    from luoshi.org.models import Unit
    from luoshi.org.services import unit_create

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    unit = Unit.objects.filter(code="BENCH-AP").first() or unit_create(
        actor=None,
        code="BENCH-AP",
        name="基准测试承办单位",
        category="department",
        parent=None,
        short_name="",
    )
    service = Service.objects.filter(code="bench").first() or Service.objects.create(
        code="bench", name="基准测试诉求", unit=unit, sla_hours=72
    )
    have = Appeal.objects.count()
    if have < args.existing:
        t0 = time.perf_counter()
        for i in range(args.existing - have):
            services.appeal_submit(
                data=services.Intake(
                    service=service, description=f"基准测试诉求内容第{i}条", phone="13800000000"
                ),
                channel=Channel.WEB,
            )
        print(f"filled {args.existing - have} appeals in {time.perf_counter() - t0:.0f} s")

    form = {
        "service": service.pk,
        "kind": "request",
        "enterprise_name": "基准测试有限公司",
        "description": "厂区门口道路破损，货车进出困难，请尽快修复。",
        "contact_name": "张经理",
        "phone": "13800000000",
    }
    open311 = {
        "service_code": "bench",
        "lat": "31.230416",
        "long": "121.473701",
        "email": "boss@example.com",
        "description": "施工许可审批超过承诺时限仍未办结。",
    }
    client = Client()
    client.get("/public/appeals/new/")

    def timed(fn: Any) -> list[float]:
        fn()  # warm-up
        out = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return out

    # Each request from an address of its own, as many enterprises' would be: the public form and
    # anonymous Open311 callers are limited per address (3 in 10 minutes), and the limiter's check
    # is part of what is timed.
    addresses = (f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in range(1, 10**7))

    def web() -> None:
        r = client.post("/public/appeals/new/", form, REMOTE_ADDR=next(addresses))
        assert r.status_code == 302, r.status_code

    def api() -> None:
        r = client.post("/open311/v2/requests.json", open311, REMOTE_ADDR=next(addresses))
        assert r.status_code == 200, r.content

    def service_call() -> None:
        services.appeal_submit(
            data=services.Intake(
                service=service, description="基准测试：服务函数本身。", phone="13800000000"
            ),
            channel=Channel.WEB,
        )

    figures = {
        "database": connection.vendor,
        "existing_appeals": Appeal.objects.count(),
        "public_form_post": _figures(timed(web)),
        "open311_post": _figures(timed(api)),
        "appeal_submit_service": _figures(timed(service_call)),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"appeals-{connection.vendor}-{stamp}.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
