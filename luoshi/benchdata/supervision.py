"""Benchmark data for supervision (督查督办): per region ~1,000 items on existing leaf tasks (100,000
at province scale) with their hand-offs, notices up to each item's level, some responses and the
pending proposals of the escalation queue. Rows go in by COPY on PostgreSQL through `lib.bulk`,
as field values over the models' defaults (`model_rows`), like the rest of `benchdata`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from luoshi.lib.bulk import model_rows, next_id, reset_sequence, write_rows
from luoshi.org.models import Unit
from luoshi.supervision import rules
from luoshi.supervision.models import Handoff, Item, Notice, NoticeCounter, Proposal, Response
from luoshi.work.models import Plan, Task

PER_REGION = 1000
# Level of an item: none 50%, 催办 25%, 督办 15%, 通报 7%, 问责 3%.
LEVELS = ("",) * 50 + ("remind",) * 25 + ("supervise",) * 15 + ("bulletin",) * 7 + ("account",) * 3
SOURCES = ("instruction", "meeting", "hotline", "inspection", "light")
REASONS = ("late_report", "red", "overdue", "idle", "no_response")


def generate(
    *, rnd: random.Random, today: date, now: datetime, add: Callable[[str, int, float], None]
) -> int:
    """Items, hand-offs, notices, responses and proposals for every region's plan; returns the item count."""
    User = get_user_model()
    ids = {m: next_id(m) for m in (Item, Handoff, Notice, Response, Proposal)}
    officers = dict(User.objects.filter(username__regex=r"^r[0-9]+_dc$").values_list("username", "pk"))
    offices = dict(Unit.objects.filter(code__endswith="DCS").values_list("code", "pk"))
    seq: dict[int, int] = {}  # region -> its office's last notice number
    total = 0
    for plan_id, owner_code in (
        Plan.objects.filter(owner_unit__isnull=False).order_by("pk").values_list("pk", "owner_unit__code")
    ):
        region = int(owner_code[1:])
        officer = officers.get(f"r{region}_dc")
        office = offices.get(f"{owner_code}DCS")
        if officer is None or office is None:
            continue
        parents = Task.objects.filter(plan_id=plan_id, parent__isnull=False).values("parent_id")
        leaves = list(
            Task.objects.filter(plan_id=plan_id)
            .exclude(pk__in=parents)
            .order_by("pk")
            .values_list("pk", "lead_unit_id", "due", "title")
        )
        picked = rnd.sample(leaves, min(PER_REGION, len(leaves)))
        unit_ids = sorted({u for _t, u, _d, _title in leaves})
        items, handoffs, notices, responses, proposals = [], [], [], [], []
        t0 = time.perf_counter()
        for task_id, unit_id, due, title in picked:
            pk = ids[Item]
            ids[Item] += 1
            level = rnd.choice(LEVELS)
            held_days = rnd.randint(0, 20)
            created = now - timedelta(days=held_days + rnd.randint(0, 30))
            held_since = now - timedelta(days=held_days)
            holder = unit_id if rnd.random() < 0.8 else rnd.choice(unit_ids)
            closed = rnd.random() < 0.1
            source = rnd.choice(SOURCES)
            items.append(
                {
                    "id": pk,
                    "title": title,
                    "source_kind": source,
                    "instruction_text": "请抓紧推进。" if source == "instruction" else "",
                    "instruction_date": created.date() if source == "instruction" else None,
                    "lead_unit_id": unit_id,
                    "deadline": due,
                    "task_id": task_id,
                    "level": level,
                    "holder_unit_id": holder,
                    "held_since": held_since,
                    "signed": rnd.random() < 0.6,
                    "state": "closed" if closed else "open",
                    "effect": "已完成" if closed else "",
                    "closed_at": now if closed else None,
                    "created_by_id": officer,
                    "created": created,
                }
            )
            steps = [("assign", office, unit_id, created)]
            if holder != unit_id:
                steps.append(("transfer", unit_id, holder, held_since))
            for kind, src, dst, at in steps:
                handoffs.append(
                    {
                        "id": ids[Handoff],
                        "item_id": pk,
                        "kind": kind,
                        "from_unit_id": src,
                        "to_unit_id": dst,
                        "actor_id": officer,
                        "at": at,
                    }
                )
                ids[Handoff] += 1
            for rung in rules.LADDER[: rules.rank(level)]:
                seq[region] = seq.get(region, 0) + 1
                issued = (created + timedelta(days=rules.rank(rung) * 3)).date()
                notices.append(
                    {
                        "id": ids[Notice],
                        "item_id": pk,
                        "level": rung.value,
                        "year": today.year,
                        "seq": seq[region],
                        "issued_on": issued,
                        "response_due": rules.response_due(level=rung, issued_on=issued),
                        "unit_id": holder,
                        "body": "请按期书面反馈办理情况。",
                        "issued_by_id": officer,
                        "issuer": "区委督查室",
                    }
                )
                if rnd.random() < 0.5:
                    responses.append(
                        {
                            "id": ids[Response],
                            "notice_id": ids[Notice],
                            "unit_id": holder,
                            "author_id": officer,
                            "text": "正在推进。",
                            "submitted_at": now,
                        }
                    )
                    ids[Response] += 1
                ids[Notice] += 1
            nxt = rules.next_level(level)
            if not closed and nxt is not None and rnd.random() < 0.3:
                proposals.append(
                    {
                        "id": ids[Proposal],
                        "task_id": task_id,
                        "item_id": pk,
                        "unit_id": holder,
                        "level": nxt.value,
                        "rank": rules.rank(nxt),
                        "reason": rnd.choice(REASONS),
                        "days": rnd.randint(0, 30),
                        "proposed_on": today - timedelta(days=rnd.randint(0, 10)),
                    }
                )
                ids[Proposal] += 1
        with transaction.atomic():
            for name, model, rows in (
                ("sv items", Item, items),
                ("sv handoffs", Handoff, handoffs),
                ("sv notices", Notice, notices),
                ("sv responses", Response, responses),
                ("sv proposals", Proposal, proposals),
            ):
                add(name, write_rows(model, *model_rows(model, rows)), t0)
        total += len(items)
    # the counters: each region's highest number this year (its office numbers from there)
    NoticeCounter.objects.filter(year=today.year).delete()
    NoticeCounter.objects.bulk_create(
        NoticeCounter(region_id=r["region_id"], year=today.year, last=r["last"])
        for r in Notice.objects.filter(year=today.year).values("region_id").annotate(last=Max("seq"))
    )
    for m in (Item, Handoff, Notice, Response, Proposal):
        reset_sequence(m)
    return total
