"""Every write of supervision (督查督办): items, hand-offs, the daily escalation step, the office's
decisions on proposals, notices, responses, closing and accountability.

Keyword-only, one transaction each (the audit chain's lock first, as every writer), the duty checked
through `org.access`, refusals as the shared errors of `luoshi.errors`, an audit entry per write.
An item's task is made by the task engine (`work.services.task_create`); its state is read here,
never written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.lib.bulk import model_rows, write_rows
from luoshi.lib.limits import MAX_TEXT
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Person, Unit
from luoshi.work.models import Plan, Source, Status, Task
from luoshi.work.signals import send_on_commit

from . import rules
from .models import (
    Accountability,
    Handoff,
    HandoffKind,
    Item,
    ItemState,
    LevelChoice,
    Notice,
    NoticeCounter,
    Outcome,
    Proposal,
    ProposalState,
    RedStreak,
    Response,
    ResponseEvidence,
    SourceKind,
)
from .signals import notice_issued

CLOSED_TASK = (Status.CLOSED, Status.CANCELLED)


def thresholds() -> rules.Thresholds:
    """The rules' settings: defaults, overridden by `settings.LUOSHI_SUPERVISION` (a dict with any of
    red_days, idle_days {level: days}, response_days {level: days}, stall_days)."""
    conf: dict[str, Any] = dict(getattr(settings, "LUOSHI_SUPERVISION", {}) or {})
    base = rules.Thresholds()
    return rules.Thresholds(
        red_days=int(conf.get("red_days", base.red_days)),
        idle_days={**base.idle_days, **conf.get("idle_days", {})},
        response_days={**base.response_days, **conf.get("response_days", {})},
        stall_days=int(conf.get("stall_days", base.stall_days)),
    )


def _text(value: str, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidField(message, field=field)
    if len(value) > MAX_TEXT:
        raise InvalidField(_("内容过长。"), field=field)
    return value


def _office_unit(actor: Any) -> Unit | None:
    """The unit the acting officer belongs to (the issuing office), when there is one."""
    ids = sorted(context_for(actor).post_unit_ids)
    return Unit.objects.filter(pk__in=ids).order_by("path").first() if ids else None


def supervision_plan(*, actor: Any, start: date, due: date) -> Plan:
    """The plan holding the tasks of the supervision items begun in `start`'s year (督办事项), made on
    first use. An item begun in December may be due in the next year: the plan's end moves to its
    deadline (audited as a plan change), so every task lies within its plan."""
    from luoshi.work.services import plan_create
    from luoshi.work.services.manage import plan_update

    year = start.year
    name = _("%(y)s年督办事项") % {"y": year}
    plan = Plan.objects.filter(name=name).first()
    if plan is None:
        office = _office_unit(actor)
        plan = plan_create(
            actor=actor,
            name=name,
            year=year,
            start=date(year, 1, 1),
            due=max(date(year, 12, 31), due),
            owner_unit=office,
        )
    elif plan.due < due:
        plan = plan_update(actor=actor, plan=plan, due=due)
    return plan


@transaction.atomic
def item_create(
    *,
    actor: Any,
    title: str,
    source_kind: str,
    lead_unit: Unit,
    deadline: date,
    co_units: Sequence[Unit] = (),
    cadence_days: int = 7,
    instruction_text: str = "",
    instruction_leader: Person | None = None,
    instruction_date: date | None = None,
    decision: Any = None,
    source_ref: str = "",
    task: Task | None = None,
    start: date | None = None,
) -> Item:
    """Create a supervision item (督办事项) and hand it to its lead unit (交办). Without a task, one is
    made in the year's supervision plan through the task engine; a meeting decision brings its own."""
    require_officer(actor)
    title = _text(title, "title", _("请填写督办事项。"))[:300]
    if source_kind not in SourceKind.values:
        raise InvalidField(_("未知的督办来源。"), field="source_kind")
    instruction_text = _text(instruction_text, "instruction_text", "", required=False)
    if source_kind == SourceKind.INSTRUCTION:
        if not instruction_text:
            raise InvalidField(_("领导批示须填写批示内容。"), field="instruction_text")
        if instruction_date is None:
            raise InvalidField(_("领导批示须填写批示日期。"), field="instruction_date")
    if source_kind == SourceKind.MEETING and decision is None and task is None:
        raise InvalidField(_("会议议定事项须选择议定事项。"), field="decision")
    if not 1 <= cadence_days <= 366:
        raise InvalidField(_("反馈周期须在1至366天之间。"), field="cadence_days")
    today = timezone.localdate()
    start = start or min(instruction_date or today, deadline)
    if deadline < start:
        raise InvalidField(_("办结时限不能早于开始日期。"), field="deadline")
    if task is None and decision is not None and decision.task_id is not None:
        task = Task.objects.get(pk=decision.task_id)
    if task is not None:
        if Item.objects.filter(task=task).exists():
            raise InvalidField(_("该任务已是督办事项。"), field="task")
        if task.status in CLOSED_TASK:
            raise InvalidField(_("该任务已销号或已取消，不能督办。"), field="task")
    else:
        from luoshi.work.services import task_create

        source = Source.INSTRUCTION if source_kind == SourceKind.INSTRUCTION else Source.SUPERVISION
        task = task_create(
            actor=actor,
            plan=supervision_plan(actor=actor, start=start, due=deadline),
            title=title,
            lead_unit=lead_unit,
            start=start,
            due=deadline,
            co_units=co_units,
            source=source,
            source_ref="supervision",
        )
    now = timezone.now()
    office = _office_unit(actor)
    item = Item.objects.create(
        title=title,
        source_kind=source_kind,
        instruction_text=instruction_text,
        instruction_leader=instruction_leader,
        instruction_date=instruction_date,
        decision=decision,
        source_ref=(source_ref or "").strip()[:100],
        lead_unit=lead_unit,
        deadline=deadline,
        cadence_days=cadence_days,
        task=task,
        holder_unit=lead_unit,
        held_since=now,
        created_by=actor,
        created=now,
    )
    item.co_units.set(
        [u for u in co_units if u.pk != lead_unit.pk], through_defaults={"region_id": item.region_id}
    )
    Handoff.objects.create(
        item=item, kind=HandoffKind.ASSIGN, from_unit=office, to_unit=lead_unit, actor=actor, at=now
    )
    record(
        item,
        "supervision.item.created",
        actor=actor,
        after={
            "title": title,
            "source_kind": source_kind,
            "lead_unit": lead_unit.pk,
            "co_units": sorted(u.pk for u in co_units),
            "deadline": str(deadline),
            "task": task.pk,
        },
    )
    return item


def _locked_item(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("lead_unit", "holder_unit").get(pk=item.pk)


def holds(actor: Any, unit_id: int) -> bool:
    """Does the actor hold a post in this unit (or above it, for a street over its communities)?"""
    ctx = context_for(actor)
    return unit_id in ctx.unit_ids and not (ctx.is_leader and unit_id not in ctx.post_unit_ids)


@transaction.atomic
def item_handoff(
    *,
    actor: Any,
    item: Item,
    kind: str,
    to_unit: Unit | None = None,
    note: str = "",
    version: int | None = None,
) -> Item:
    """Record one hand-off (交办 / 转办 / 签收 / 退回) and move the item to its new holder.

    交办: the office hands the item to a unit (again, after a return). 转办: the holder (or the
    office) passes it on. Both only within the item's scope (`rules.in_scope`: the subtree of the
    lead unit's parent). 签收: someone of the holder unit takes it; they become its holder person.
    退回: the holder gives it back to whoever handed it over, with a reason."""
    item = _locked_item(item)
    if version is not None and version != item.version:
        raise Conflict(_("该督办事项已被他人办理，请刷新后再试。"))
    if item.state == ItemState.CLOSED:
        raise LuoshiError(_("督办事项已办结，不能再交接。"))
    if kind not in HandoffKind.values:
        raise InvalidField(_("未知的交接方式。"), field="kind")
    ctx = context_for(actor)
    holder = item.holder_unit
    note = _text(note, "note", "", required=False)[:500]
    person = None
    from_unit: Unit | None = holder
    if kind == HandoffKind.ASSIGN:
        require_officer(actor, _("只有督查室可以交办。"))
    elif kind == HandoffKind.TRANSFER:
        if not (ctx.is_officer or holds(actor, holder.pk)):
            raise NotAllowed(_("只有当前承办单位或督查室可以转办。"))
    elif not holds(actor, holder.pk):
        raise NotAllowed(_("只有当前承办单位的人员可以签收或退回。"))
    if kind in (HandoffKind.ASSIGN, HandoffKind.TRANSFER):
        if to_unit is None:
            raise InvalidField(_("请选择承办单位。"), field="to_unit")
        if to_unit.pk == holder.pk:
            raise InvalidField(_("该事项已在这个单位。"), field="to_unit")
        if not rules.in_scope(lead_path=item.lead_unit.path, target_path=to_unit.path):
            raise InvalidField(
                _("%(unit)s不在本督办事项的范围内（牵头单位的上级单位及其下属单位）。")
                % {"unit": to_unit.name},
                field="to_unit",
            )
        target = to_unit
        signed = False
    elif kind == HandoffKind.SIGN:
        if item.signed:
            raise LuoshiError(_("该事项已签收。"))
        person = getattr(actor, "person", None)
        target, signed = holder, True
    else:
        if not note:
            raise InvalidField(_("退回须写明理由。"), field="note")
        last = (
            Handoff.objects.filter(
                item=item, to_unit=holder, kind__in=[HandoffKind.ASSIGN, HandoffKind.TRANSFER]
            )
            .select_related("from_unit")
            .order_by("-at", "-pk")
            .first()
        )
        if last is None or last.from_unit is None:
            raise LuoshiError(_("没有可退回的上一手单位。"))
        target, signed = last.from_unit, False
    now = timezone.now()
    Handoff.objects.create(
        item=item,
        kind=kind,
        from_unit=from_unit,
        to_unit=target,
        person=person,
        actor=actor,
        at=now,
        note=note,
    )
    before = {"holder_unit": holder.pk, "signed": item.signed}
    item.holder_unit = target
    item.holder_person = person if kind == HandoffKind.SIGN else None
    item.signed = signed
    if kind != HandoffKind.SIGN:
        item.held_since = now
    item.version += 1
    item.save(update_fields=["holder_unit", "holder_person", "signed", "held_since", "version"])
    record(
        item,
        "supervision.item.handed_off",
        actor=actor,
        before=before,
        after={"kind": kind, "holder_unit": target.pk, "signed": signed, "note": note},
    )
    return item


# ---------------------------------------------------------------------------------------------
# The daily escalation step


@dataclass
class StepSummary:
    red_started: int = 0
    red_ended: int = 0
    facts: int = 0
    proposed: int = 0


def _red_streaks(day: date) -> tuple[int, int, dict[int, tuple[date, int]]]:
    """Keep `RedStreak` in step with the stored lights: end the streaks of tasks no longer red, start
    one for every newly red open task (one INSERT … SELECT); set-based. Returns (started, ended,
    {task: (since, its lead unit)})."""
    ended, _detail = RedStreak.objects.filter(
        ~Q(task__light="red") | Q(task__status__in=CLOSED_TASK)
    ).delete()
    streak, task = RedStreak._meta.db_table, Task._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {streak} (task_id, since, region_id) SELECT t.id, %s, t.region_id FROM {task} t "
            f"WHERE t.light = %s AND t.status NOT IN (%s, %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {streak} s WHERE s.task_id = t.id)",
            [connection.ops.adapt_datefield_value(day), "red", *CLOSED_TASK],
        )
        started = cursor.rowcount
    since = {
        task_id: (start, unit)
        for task_id, start, unit in RedStreak.objects.values_list("task_id", "since", "task__lead_unit_id")
    }
    return started, ended, since


def _item_facts(
    day: date, red_since: dict[int, tuple[date, int]], holders: dict[int, int]
) -> Iterable[rules.Facts]:
    """Every open item with its task's state and its latest notice: two queries (the open items'
    notices, each with whether it has a response; the items with their tasks' columns), whatever
    the count. Fills `holders` (item -> holder unit) on the way."""
    items = Item.objects.filter(state=ItemState.OPEN)
    latest: dict[int, tuple[str, date, bool]] = {}
    # In issue order, so the last one seen per item is its latest.
    for item_id, level, due, answered in (
        Notice.objects.filter(item__in=items)
        .annotate(answered=Exists(Response.objects.filter(notice=OuterRef("pk"))))
        .order_by("issued_on", "pk")
        .values_list("item_id", "level", "response_due", "answered")
        .iterator(chunk_size=10000)
    ):
        latest[item_id] = (level, due, answered)
    rows = items.values_list(
        "pk",
        "task_id",
        "level",
        "task__status",
        "task__light",
        "task__report_late",
        "held_since",
        "holder_unit_id",
    )
    tz = timezone.get_current_timezone()
    for pk, task_id, level, status, light, late, held, holder in rows.iterator(chunk_size=10000):
        holders[pk] = holder
        notice = latest.get(pk)
        red = red_since.get(task_id)
        yield rules.Facts(
            task_id=task_id,
            item_id=pk,
            level=level,
            closed=status in CLOSED_TASK,
            light=light,
            red_since=red[0] if red else None,
            report_late=late,
            held_since=held.astimezone(tz).date(),
            notice_level=notice[0] if notice else "",
            notice_due=notice[1] if notice else None,
            notice_answered=notice is not None and notice[2],
        )


def escalations_step(day: date) -> dict[str, Any]:
    """`supervision.escalations`: propose escalations for the whole install (idempotent: a proposal
    is made once per task, level and reason, whatever the number of runs)."""
    t = thresholds()
    summary = StepSummary()
    with transaction.atomic():
        summary.red_started, summary.red_ended, red_since = _red_streaks(day)
        holders: dict[int, int] = {}
        facts: list[rules.Facts] = list(_item_facts(day, red_since, holders))
        cutoff = day - timedelta(days=t.red_days)
        itemised = (
            set(
                Item.objects.filter(task_id__in=RedStreak.objects.values("task_id"))
                .order_by()
                .values_list("task_id", flat=True)
            )
            if red_since
            else set()
        )
        facts += [
            rules.Facts(task_id=task_id, light="red", red_since=since)
            for task_id, (since, _unit) in red_since.items()
            if since <= cutoff and task_id not in itemised
        ]
        summary.facts = len(facts)
        proposed = [p for f in facts for p in rules.propose(f, today=day, t=t)]
        if proposed:
            # Never twice for a task, level and reason: what exists is left out here (the unique
            # constraint backs it), so a rerun writes nothing; the rest goes in by COPY on PostgreSQL.
            # Every proposed task is an open item's or a red one's: their proposals, by subqueries.
            made = set(
                Proposal.objects.filter(
                    Q(task_id__in=Item.objects.filter(state=ItemState.OPEN).values("task_id"))
                    | Q(task_id__in=RedStreak.objects.values("task_id"))
                ).values_list("task_id", "level", "reason")
            )
            rows = [
                {
                    "task_id": p.task_id,
                    "item_id": p.item_id,
                    "unit_id": holders[p.item_id] if p.item_id else red_since[p.task_id][1],
                    "level": p.level.value,
                    "rank": rules.rank(p.level),
                    "reason": p.reason.value,
                    "days": p.days,
                    "proposed_on": day,
                }
                for p in proposed
                if (p.task_id, p.level.value, p.reason.value) not in made
            ]
            if rows:
                write_rows(Proposal, *model_rows(Proposal, rows, skip_id=True))
            summary.proposed = len(rows)
        if summary.proposed:
            record(
                None,
                "supervision.proposals.made",
                data={"day": str(day), "proposed": summary.proposed},
                object_type="supervision.proposal",
            )
    return summary.__dict__


# ---------------------------------------------------------------------------------------------
# Decisions, notices, responses


# (the document's kind after the issuer's name in the masthead, its title), translated when drawn.
NOTICE_KINDS = {
    rules.Level.REMIND: (gettext_noop("催办单"), gettext_noop("关于催办“%(title)s”的通知")),
    rules.Level.SUPERVISE: (gettext_noop("督办单"), gettext_noop("关于督办“%(title)s”的通知")),
    rules.Level.BULLETIN: (gettext_noop("通报"), gettext_noop("关于“%(title)s”办理情况的通报")),
    rules.Level.ACCOUNT: (gettext_noop("问责通知"), gettext_noop("关于“%(title)s”启动问责的通知")),
}


def notice_kind(level: str) -> str:
    return _(NOTICE_KINDS[rules.Level(level)][0])


def notice_title(level: str, title: str) -> str:
    return _(NOTICE_KINDS[rules.Level(level)][1]) % {"title": title}


def _notice_body(item: Item, level: str, reason: str, due: date, office: str) -> str:
    why = {
        "late_report": _("未按期报送进展情况"),
        "red": _("持续严重滞后"),
        "overdue": _("已超过办结时限仍未完成"),
        "idle": _("在承办环节滞留时间过长"),
        "no_response": _("未在规定时限内书面反馈督办意见"),
    }.get(reason, _("推进不力"))
    lines = [
        _("你单位牵头办理的“%(title)s”（办结时限%(deadline)s）%(why)s。")
        % {
            "title": item.title,
            "deadline": item.deadline.isoformat(),
            "why": why,
        },
    ]
    if item.instruction_text:
        lines.append(_("领导批示：%(text)s") % {"text": item.instruction_text})
    lines.append(
        _(
            "请于%(due)s前将办理情况（已完成的说明成效，正在推进的说明进度，未推进的说明原因）书面反馈%(office)s。"
        )
        % {"due": due.isoformat(), "office": office}
    )
    return "\n".join(lines)


def _issue(*, actor: Any, item: Item, level: str, reason: str, proposal: Proposal | None) -> Notice:
    """A numbered notice (〔year〕N号, per region and year) to the item's holder unit; the item rises to `level`."""
    today = timezone.localdate()
    office_unit = _office_unit(actor)
    office = office_unit.name if office_unit is not None else _("督查室")
    # each region's office numbers its own notices (the item's region: its lead unit's district)
    counter = NoticeCounter.objects.filter(region_id=item.region_id, year=today.year)
    NoticeCounter.objects.get_or_create(region_id=item.region_id, year=today.year)
    counter.update(last=F("last") + 1)
    seq = counter.values_list("last", flat=True).get()
    due = min(rules.response_due(level=level, issued_on=today, t=thresholds()), max(item.deadline, today))
    notice = Notice.objects.create(
        item=item,
        level=level,
        year=today.year,
        seq=seq,
        issued_on=today,
        response_due=max(due, today),
        unit=item.holder_unit,
        body=_notice_body(item, level, reason, max(due, today), office),
        issued_by=actor,
        issuer=office,
        proposal=proposal,
    )
    item.level = rules.higher(item.level, level)
    item.version += 1
    item.save(update_fields=["level", "version"])
    record(
        notice,
        "supervision.notice.issued",
        actor=actor,
        after={
            "number": notice.number,
            "item": item.pk,
            "level": level,
            "unit": notice.unit_id,
            "due": str(due),
        },
    )
    send_on_commit(
        notice_issued,
        sender=Notice,
        notice_id=notice.pk,
        item_id=item.pk,
        level=level,
        unit_id=notice.unit_id,
        deadline=notice.response_due,
    )
    return notice


@transaction.atomic
def notice_issue(*, actor: Any, item: Item, level: str) -> Notice:
    """The office issues a notice on an item directly (without a proposal)."""
    require_officer(actor)
    if level not in LevelChoice.values:
        raise InvalidField(_("未知的督办层级。"), field="level")
    item = _locked_item(item)
    if item.state == ItemState.CLOSED:
        raise LuoshiError(_("督办事项已办结。"))
    return _issue(actor=actor, item=item, level=level, reason="", proposal=None)


def _item_for(actor: Any, proposal: Proposal) -> Item:
    """The proposal's item; a red task not yet an item becomes one (source: 亮灯预警)."""
    if proposal.item_id is not None:
        return _locked_item(Item(pk=proposal.item_id))
    existing = Item.objects.filter(task_id=proposal.task_id).first()
    if existing is not None:
        return _locked_item(existing)
    task = Task.objects.select_related("lead_unit").get(pk=proposal.task_id)
    return item_create(
        actor=actor,
        title=task.title,
        source_kind=SourceKind.LIGHT,
        lead_unit=task.lead_unit,
        deadline=task.due,
        task=task,
    )


def _claim(ids: Sequence[int], values: dict[str, Any]) -> list[int]:
    """Take the still-pending proposals among `ids`, their rows locked (of two officers deciding at
    once, the second waits for the first's commit and then finds them decided)."""
    pending = list(
        Proposal.objects.select_for_update()
        .filter(pk__in=ids, state=ProposalState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return []
    Proposal.objects.filter(pk__in=pending, state=ProposalState.PENDING).update(**values)
    return pending


@transaction.atomic
def proposals_decide(
    *, actor: Any, proposals: Sequence[int], accept: bool, level: str = "", reason: str = ""
) -> list[Notice]:
    """The office's decision on one or many proposals: accept (at the proposed level, or at `level`
    when given: 升级 or 降级) issuing a notice for each, or dismiss with a reason. A proposal already
    decided by someone else is a Conflict (409); nothing of the batch is written then."""
    require_officer(actor)
    ids = sorted({int(i) for i in proposals})
    if not ids:
        raise InvalidField(_("请选择要处理的建议。"), field="proposals")
    if accept and level and level not in LevelChoice.values:
        raise InvalidField(_("未知的督办层级。"), field="level")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidField(_("驳回须写明理由。"), field="reason")
    now = timezone.now()
    values: dict[str, Any] = {"decided_by": actor, "decided_at": now}
    if accept:
        values |= {"state": ProposalState.ACCEPTED}
    else:
        values |= {"state": ProposalState.DISMISSED, "dismiss_reason": reason[:500]}
    found = Proposal.objects.filter(pk__in=ids).count()
    if found != len(ids):
        raise InvalidField(_("有的建议不存在。"), field="proposals")
    claimed = _claim(ids, values)
    if len(claimed) != len(ids):
        raise Conflict(_("所选建议中有的已由他人处理，请刷新后再试。"))
    notices: list[Notice] = []
    for proposal in Proposal.objects.filter(pk__in=claimed).order_by("pk"):
        if accept:
            chosen = level or proposal.level
            item = _item_for(actor, proposal)
            Proposal.objects.filter(pk=proposal.pk).update(decided_level=chosen, item=item)
            notices.append(
                _issue(actor=actor, item=item, level=chosen, reason=proposal.reason, proposal=proposal)
            )
            record(
                proposal,
                "supervision.proposal.accepted",
                actor=actor,
                after={"level": chosen, "item": item.pk},
            )
        else:
            record(proposal, "supervision.proposal.dismissed", actor=actor, after={"reason": reason})
    return notices


def is_stalled(item: Item, today: date) -> bool:
    """No progress for the stall threshold: no report (or hand-off) since."""
    task = item.task
    return rules.stalled(
        last_progress=task.last_report_on,
        since=timezone.localdate(item.created),
        today=today,
        t=thresholds(),
    )


def _store_evidence(response: Response, files: Sequence[Any]) -> list[ResponseEvidence]:
    """Check every file (size, kind by content) before storing any; delete them on rollback."""
    from luoshi.lib.uploads import UploadRefused, store_checked

    try:
        return store_checked(
            files,
            max_bytes=settings.LUOSHI_EVIDENCE_MAX_BYTES,
            make=lambda **fields: ResponseEvidence(response=response, **fields),
        )
    except UploadRefused as exc:
        raise InvalidField(str(exc), field="files") from exc


def _carryable(actor: Any, task_id: int, carried: Iterable[Any]) -> list[Any]:
    """The evidence files named by `carried` that belong to this item's task (its reports or claims)
    and that the actor sees (`work.selectors.carried_evidence`)."""
    from luoshi.work.selectors import carried_evidence

    return carried_evidence(
        actor,
        carried,
        tasks=[task_id],
        refused=_("所选的佐证材料不是本事项任务的填报材料，或你无权查看，未能沿用。"),
    )


def _carry_evidence(response: Response, sources: Sequence[Any]) -> list[ResponseEvidence]:
    """Attach the task's own evidence files to the response without copying a byte: each row names
    the stored file the work app keeps (content-addressed by SHA-256), with its name, size and type."""
    rows = []
    for ev in sources:
        row = ResponseEvidence(
            response=response,
            source=ev,
            name=ev.name,
            size=ev.size,
            sha256=ev.sha256,
            content_type=ev.content_type,
        )
        row.file.name = ev.file.name
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def response_submit(
    *,
    actor: Any,
    notice: Notice,
    text: str,
    stall_reason: str = "",
    files: Sequence[Any] = (),
    carried: Iterable[Any] = (),
) -> Response:
    """The unit's written response (书面反馈) to a notice, with evidence files (佐证材料, optional):
    uploaded ones, each checked by content as every upload, and `carried` ones — ids of the work app's
    evidence of this item's task (its reports' and claims') that the actor sees, attached as they are
    stored so the unit need not upload again what its task report already holds (一个事实只填一次).
    Submitted once, never edited: a later response supersedes the earlier one. A stalled item (no
    progress for N days) must say why."""
    notice = Notice.objects.select_related("item", "item__task").get(pk=notice.pk)
    item = _locked_item(notice.item)
    ctx = context_for(actor)
    units = {notice.unit_id, item.lead_unit_id, item.holder_unit_id}
    if not (ctx.reporter_unit_ids | ctx.head_unit_ids) & units:
        raise NotAllowed(_("只有承办单位的填报人员或负责人可以反馈。"))
    if item.state == ItemState.CLOSED:
        raise LuoshiError(_("督办事项已办结，不能再反馈。"))
    text = _text(text, "text", _("请填写办理情况。"))
    stall_reason = _text(stall_reason, "stall_reason", "", required=False)
    item.task = Task.objects.get(pk=item.task_id)
    if is_stalled(item, timezone.localdate()) and not stall_reason:
        raise InvalidField(_("该事项长期没有进展，须说明未推进的原因。"), field="stall_reason")
    sources = _carryable(actor, item.task_id, carried)
    # The item's row lock (above) serialises responses to its notices.
    previous = (
        Response.objects.filter(notice=notice, superseded_by__isnull=True)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    mine = ctx.reporter_unit_ids | ctx.head_unit_ids
    unit_id = next(u for u in (notice.unit_id, item.holder_unit_id, item.lead_unit_id) if u in mine)
    response = Response.objects.create(
        notice=notice,
        unit_id=unit_id,
        author=actor,
        text=text,
        stall_reason=stall_reason,
        supersedes=previous,
    )
    kept = _carry_evidence(response, sources)
    stored = _store_evidence(response, files)
    record(
        response,
        "supervision.response.submitted",
        actor=actor,
        after={
            "notice": notice.pk,
            "supersedes": previous.pk if previous else None,
            "stalled": bool(stall_reason),
            "evidence": [[e.name, e.sha256] for e in stored],
            # carried from the task's reports and claims (work.Evidence ids), apart from the uploads
            "carried": [[e.name, e.sha256] for e in kept],
            "carried_from": [e.source_id for e in kept],
        },
    )
    return response


@transaction.atomic
def item_close(*, actor: Any, item: Item, effect: str) -> Item:
    """The office closes an item (办结) with the effect it had (看效果)."""
    require_officer(actor)
    item = _locked_item(item)
    if item.state == ItemState.CLOSED:
        raise LuoshiError(_("督办事项已办结。"))
    item.effect = _text(effect, "effect", _("办结须写明办理成效。"))
    item.state = ItemState.CLOSED
    item.closed_at = timezone.now()
    item.version += 1
    item.save(update_fields=["effect", "state", "closed_at", "version"])
    Proposal.objects.filter(task_id=item.task_id, state=ProposalState.PENDING).update(
        state=ProposalState.DISMISSED,
        decided_by=actor,
        decided_at=item.closed_at,
        dismiss_reason=_("事项已办结"),
    )
    record(item, "supervision.item.closed", actor=actor, after={"effect": item.effect})
    return item


@transaction.atomic
def accountability_record(
    *, actor: Any, item: Item, person: Person, finding: str, outcome: str, decided_on: date
) -> Accountability:
    """Record accountability (问责) for an item escalated to 问责: the person, finding and outcome."""
    require_officer(actor)
    item = _locked_item(item)
    if item.level != rules.Level.ACCOUNT:
        raise LuoshiError(_("只有升级到问责的督办事项才能登记问责。"))
    if outcome not in Outcome.values:
        raise InvalidField(_("未知的处理结果。"), field="outcome")
    finding = _text(finding, "finding", _("请填写问责事由。"))
    if decided_on > timezone.localdate():
        raise InvalidField(_("决定日期不能晚于今天。"), field="decided_on")
    acc = Accountability.objects.create(
        item=item, person=person, finding=finding, outcome=outcome, decided_on=decided_on, recorded_by=actor
    )
    record(
        acc,
        "supervision.accountability.recorded",
        actor=actor,
        after={"item": item.pk, "person": person.pk, "outcome": outcome, "decided_on": str(decided_on)},
    )
    return acc
