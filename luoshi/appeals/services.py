"""Every write of enterprise appeals (企业诉求), one transaction each with its audit entry.

Intake (`appeal_submit`) from the public form, the office's phone line and Open311; routing to a
unit (`appeal_route`, automatic when the service names one); pausing the clock only with a reason
(`appeal_pause` / `appeal_resume`); the unit's reply (`appeal_reply`); the enterprise's rating and
reopening by tracking code (`appeal_rate`, `appeal_reopen`); the office's closing and verification
of a complaint (`appeal_verify`), which the assessment reads as a deduction event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError, NotAllowed, NotFound, RateLimited
from luoshi.lib import ratelimit
from luoshi.lib.regions import move_region, unit_region_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Unit

from . import rules
from .models import (
    Appeal,
    Channel,
    Kind,
    Open311Client,
    Pause,
    Satisfaction,
    Service,
    StatusChoice,
    Step,
    Verification,
)
from .receivers import tell_unit_on_commit
from .rules import Action

REOPEN_WINDOW_DAYS = 15
AUTO_CLOSE_DAYS = 15
MIN_REASON = 4


@dataclass(frozen=True)
class Intake:
    """What an appeal is filed with, whatever the channel (Open311's field names where they fit)."""

    service: Service
    description: str
    kind: str = Kind.REQUEST
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    media_url: str = ""
    enterprise_name: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""


def _deadline(appeal: Appeal, now: datetime) -> datetime:
    pauses = [(p.started_at, p.ended_at) for p in appeal.pauses.all()]
    return rules.deadline(received=appeal.received_at, sla_hours=appeal.sla_hours, pauses=pauses, now=now)


def _move(appeal: Appeal, action: Action) -> str:
    nxt = rules.next_status(appeal.status, action)
    if nxt is None:
        raise LuoshiError(
            _("诉求当前状态为“%(status)s”，不能执行此操作。") % {"status": appeal.get_status_display()},
            code="wrong_status",
        )
    return nxt.value


def _step(appeal: Appeal, action: str, now: datetime, note: str = "") -> None:
    Step.objects.create(appeal=appeal, at=now, action=action, note=note[:300])


def _check_intake(data: Intake) -> None:
    if not data.service.active:
        raise InvalidField(_("该诉求类别已停用。"), field="service_code")
    if len(data.description.strip()) < 5:
        raise InvalidField(_("请填写诉求内容（至少5个字）。"), field="description")
    if len(data.description) > 4000:
        raise InvalidField(_("诉求内容不能超过4000字。"), field="description")
    if data.kind not in Kind.values:
        raise InvalidField(_("未知的诉求性质。"), field="kind")
    if not (data.phone.strip() or data.email.strip()):
        raise InvalidField(_("请留下联系电话或电子邮箱，以便承办单位联系。"), field="phone")


def sender_limits() -> tuple[tuple[timedelta, int], ...]:
    """How many appeals one network address may file without an account (settings)."""
    return (
        (timedelta(minutes=10), settings.LUOSHI_APPEALS_PER_10_MINUTES),
        (timedelta(days=1), settings.LUOSHI_APPEALS_PER_DAY),
    )


def _check_sender(sender: str, now: datetime) -> str:
    """The sender's hash, or `RateLimited` (429, nothing stored) when it filed too many lately."""
    key = ratelimit.sender_hash(sender)
    limits = sender_limits()
    longest = max(window for window, _most in limits)
    sent = Appeal.objects.filter(sender_hash=key, received_at__gt=now - longest).values_list(
        "received_at", flat=True
    )
    wait = ratelimit.retry_after(list(sent), now, limits)
    if wait is not None:
        raise RateLimited(
            _(
                "提交过于频繁：同一网络地址 10 分钟内最多提交 %(short)s 件、每天最多 %(day)s 件。"
                "请 %(minutes)s 分钟后再试，或拨打热线电话反映。"
            )
            % {
                "short": settings.LUOSHI_APPEALS_PER_10_MINUTES,
                "day": settings.LUOSHI_APPEALS_PER_DAY,
                "minutes": ratelimit.wait_minutes(wait),
            },
            code="rate_limited",
        )
    return key


@transaction.atomic
def appeal_submit(
    *,
    data: Intake,
    channel: str,
    actor: Any = None,
    client: Open311Client | None = None,
    sender: str = "",
) -> Appeal:
    """File an appeal (受理): a tracking code, the SLA from now, routed at once to the service's
    unit when it names one. The phone line is the office's; the web form and Open311 need no
    account, and `sender` (the network address they came from) may file only so many
    (`sender_limits`)."""
    if channel == Channel.PHONE:
        require_officer(actor, _("只有督查室（诉求受理）人员可以登记电话诉求。"))
    elif channel not in (Channel.WEB, Channel.OPEN311):
        raise LuoshiError(_("未知的受理渠道。"))
    _check_intake(data)
    now = timezone.now()
    sender_key = _check_sender(sender, now) if sender and channel != Channel.PHONE else ""
    service = data.service
    appeal = Appeal(
        service=service,
        kind=data.kind,
        channel=channel,
        client=client,
        description=data.description.strip(),
        address=data.address.strip()[:200],
        lat=data.lat,
        long=data.long,
        media_url=data.media_url.strip(),
        enterprise_name=data.enterprise_name.strip()[:200],
        contact_name=data.contact_name.strip()[:60],
        phone=data.phone.strip()[:30],
        email=data.email.strip(),
        received_at=now,
        sender_hash=sender_key,
        sla_hours=service.sla_hours,
        due_at=now + timedelta(hours=service.sla_hours),
        unit_id=service.unit_id,
        status=StatusChoice.ASSIGNED if service.unit_id else StatusChoice.NEW,
    )
    for _attempt in range(5):
        appeal.tracking_code = rules.tracking_code()
        try:
            with transaction.atomic():
                appeal.save()
            break
        except IntegrityError:
            if Appeal.objects.filter(tracking_code=appeal.tracking_code).exists():
                continue
            raise
    else:  # pragma: no cover - 23^9 codes
        raise LuoshiError(_("查询码生成失败，请重试。"))
    _step(appeal, "received", now)
    if appeal.unit_id:
        _step(appeal, "routed", now)
        tell_unit_on_commit(appeal_id=appeal.pk, unit_id=appeal.unit_id, occurrence="received")
    record(
        appeal,
        "appeals.appeal.submitted",
        actor=actor,
        data={
            "channel": channel,
            "service": service.code,
            "unit": appeal.unit_id,
            "client": getattr(client, "pk", None),
        },
    )
    return appeal


def _require_handler(actor: Any, appeal: Appeal) -> None:
    ctx = context_for(actor)
    if ctx.is_officer:
        return
    if appeal.unit_id not in (ctx.reporter_unit_ids | ctx.head_unit_ids):
        raise NotAllowed(_("只有承办单位或督查室可以办理该诉求。"))


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("service", "unit").get(pk=appeal.pk)


@transaction.atomic
def appeal_route(*, actor: Any, appeal: Appeal, unit: Unit, note: str = "") -> Appeal:
    """Route (分派) or re-route (改派) an open appeal to a unit; the deadline stays where it is."""
    require_officer(actor, _("只有督查室可以分派诉求。"))
    appeal = _locked(appeal)
    appeal.status = _move(appeal, Action.ROUTE)
    before = appeal.unit_id
    appeal.unit = unit
    appeal.save(update_fields=["status", "unit", "updated_at"])
    # The appeal goes with its unit's region (lib/regions.py), its history with it.
    region = unit.region_id if unit.region_id is not None else unit_region_id(unit.pk)
    if region != appeal.region_id:
        move_region(appeal, region)
    _step(appeal, "routed", timezone.now())
    tell_unit_on_commit(appeal_id=appeal.pk, unit_id=unit.pk, occurrence=f"routed:{appeal.reopen_count}")
    record(
        appeal,
        "appeals.appeal.routed",
        actor=actor,
        before={"unit": before},
        after={"unit": unit.pk},
        data={"note": note},
    )
    return appeal


@transaction.atomic
def appeal_pause(*, actor: Any, appeal: Appeal, reason: str) -> Appeal:
    """Pause the clock (暂停计时), only with a recorded reason."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidField(_("暂停计时须写明原因（至少4个字）。"), field="reason")
    appeal.status = _move(appeal, Action.PAUSE)
    now = timezone.now()
    Pause.objects.create(appeal=appeal, reason=reason[:300], started_at=now, by=actor)
    appeal.paused_since = now
    appeal.save(update_fields=["status", "paused_since", "updated_at"])
    _step(appeal, "paused", now, reason)
    record(appeal, "appeals.appeal.paused", actor=actor, data={"reason": reason})
    return appeal


def _end_pause(appeal: Appeal, now: datetime) -> None:
    Pause.objects.filter(appeal=appeal, ended_at__isnull=True).update(ended_at=now)
    appeal.paused_since = None
    appeal.due_at = _deadline(appeal, now)


@transaction.atomic
def appeal_resume(*, actor: Any, appeal: Appeal) -> Appeal:
    """Restart the clock; the deadline moves by the time it stood still."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    appeal.status = _move(appeal, Action.RESUME)
    now = timezone.now()
    before = appeal.due_at
    _end_pause(appeal, now)
    appeal.save(update_fields=["status", "paused_since", "due_at", "updated_at"])
    _step(appeal, "resumed", now)
    record(
        appeal,
        "appeals.appeal.resumed",
        actor=actor,
        before={"due_at": before.isoformat()},
        after={"due_at": appeal.due_at.isoformat()},
    )
    return appeal


@transaction.atomic
def appeal_reply(*, actor: Any, appeal: Appeal, reply: str) -> Appeal:
    """The unit's reply (答复) to the enterprise; a paused clock stops for good."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    reply = reply.strip()
    if len(reply) < 5:
        raise InvalidField(_("请填写答复内容（至少5个字）。"), field="reply")
    appeal.status = _move(appeal, Action.REPLY)
    now = timezone.now()
    if appeal.paused_since is not None:
        _end_pause(appeal, now)
    appeal.reply = reply[:4000]
    appeal.replied_at = now
    appeal.replied_by = actor
    appeal.save()
    _step(appeal, "replied", now)
    record(
        appeal,
        "appeals.appeal.replied",
        actor=actor,
        data={"on_time": now <= appeal.due_at, "due_at": appeal.due_at.isoformat()},
    )
    return appeal


def appeal_by_code(code: str) -> Appeal:
    """The appeal a tracking code names; a malformed or unknown code is NotFound (the same answer,
    so a code cannot be guessed character by character)."""
    if not rules.tracking_code_valid(code):
        raise NotFound(_("查询码有误，请核对后重新输入。"), code="bad_code")
    appeal = (
        Appeal.objects.select_related("service", "unit")
        .filter(tracking_code=rules.normalize_code(code))
        .first()
    )
    if appeal is None:
        raise NotFound(_("查询码有误，请核对后重新输入。"), code="bad_code")
    return appeal


@transaction.atomic
def appeal_rate(*, code: str, satisfaction: str, note: str = "") -> Appeal:
    """The enterprise rates the reply (满意度评价) by its tracking code; this closes the appeal."""
    if satisfaction not in Satisfaction.values:
        raise InvalidField(_("请选择满意度。"), field="satisfaction")
    appeal = _locked(appeal_by_code(code))
    appeal.status = _move(appeal, Action.RATE)
    now = timezone.now()
    appeal.satisfaction = satisfaction
    appeal.satisfaction_note = note.strip()[:300]
    appeal.closed_at = now
    appeal.save(update_fields=["status", "satisfaction", "satisfaction_note", "closed_at", "updated_at"])
    _step(appeal, "rated", now, appeal.get_satisfaction_display())
    record(appeal, "appeals.appeal.rated", data={"satisfaction": satisfaction})
    return appeal


@transaction.atomic
def appeal_reopen(*, appeal: Appeal, reason: str, actor: Any = None) -> Appeal:
    """Reopen (重新办理): the enterprise by its code within the window after the reply, or the
    office at any time; the unit gets a full SLA again from now."""
    appeal = _locked(appeal)
    now = timezone.now()
    if actor is not None and getattr(actor, "is_authenticated", False):
        require_officer(actor, _("只有督查室可以重新交办诉求。"))
    elif not rules.reopen_allowed(replied=appeal.replied_at, now=now, window_days=REOPEN_WINDOW_DAYS):
        raise LuoshiError(_("答复已超过%(days)s天，不能再申请重新办理。") % {"days": REOPEN_WINDOW_DAYS})
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidField(_("请写明重新办理的原因（至少4个字）。"), field="reason")
    appeal.status = _move(appeal, Action.REOPEN)
    appeal.reopen_count += 1
    appeal.received_at = now
    appeal.due_at = now + timedelta(hours=appeal.sla_hours)
    appeal.reply, appeal.replied_at, appeal.replied_by, appeal.closed_at = "", None, None, None
    appeal.satisfaction, appeal.satisfaction_note = "", ""
    appeal.save()
    _step(appeal, "reopened", now, reason)
    if appeal.unit_id:
        tell_unit_on_commit(
            appeal_id=appeal.pk, unit_id=appeal.unit_id, occurrence=f"reopened:{appeal.reopen_count}"
        )
    record(
        appeal, "appeals.appeal.reopened", actor=actor, data={"reason": reason, "count": appeal.reopen_count}
    )
    return appeal


@transaction.atomic
def appeal_close(*, actor: Any, appeal: Appeal, note: str = "") -> Appeal:
    """The office closes (办结) a replied appeal the enterprise has not rated."""
    require_officer(actor)
    appeal = _locked(appeal)
    appeal.status = _move(appeal, Action.CLOSE)
    appeal.closed_at = timezone.now()
    appeal.save(update_fields=["status", "closed_at", "updated_at"])
    _step(appeal, "closed", appeal.closed_at, note)
    record(appeal, "appeals.appeal.closed", actor=actor, data={"note": note})
    return appeal


@transaction.atomic
def appeal_verify(*, actor: Any, appeal: Appeal, verified: bool, note: str) -> Appeal:
    """The office's finding on a complaint (投诉核查): 属实 makes it a deduction event for its unit
    (`appeals.complaint` in the assessment), 不属实 not. Decided once, with a written note."""
    require_officer(actor, _("只有督查室可以核查投诉。"))
    appeal = _locked(appeal)
    if appeal.kind != Kind.COMPLAINT:
        raise LuoshiError(_("只有投诉类诉求需要核查。"))
    if appeal.unit_id is None:
        raise LuoshiError(_("诉求尚未分派，不能核查。"))
    if appeal.verification:
        raise LuoshiError(_("该投诉已核查。"), code="already_verified")
    note = note.strip()
    if len(note) < MIN_REASON:
        raise InvalidField(_("请写明核查情况（至少4个字）。"), field="note")
    appeal.verification = Verification.VERIFIED if verified else Verification.UNFOUNDED
    appeal.verified_on = timezone.localdate()
    appeal.verification_note = note[:300]
    appeal.save(update_fields=["verification", "verified_on", "verification_note", "updated_at"])
    record(
        appeal,
        "appeals.appeal.verified",
        actor=actor,
        data={"verification": appeal.verification, "note": note},
    )
    return appeal


@transaction.atomic
def service_create(
    *,
    actor: Any,
    code: str,
    name: str,
    sla_hours: int,
    unit: Unit | None = None,
    group: str = "",
    description: str = "",
) -> Service:
    """A kind of appeal (诉求类别, Open311's service) with its default unit and reply hours (the office)."""
    require_officer(actor)
    if sla_hours <= 0:
        raise InvalidField(_("答复时限须为正数。"), field="sla_hours")
    if Service.objects.filter(code=code).exists():
        raise InvalidField(_("类别代码已存在。"), field="code")
    service = Service.objects.create(
        code=code, name=name, sla_hours=sla_hours, unit=unit, group=group, description=description
    )
    record(
        service,
        "appeals.service.created",
        actor=actor,
        after={"code": code, "unit": getattr(unit, "pk", None)},
    )
    return service


# ---------------------------------------------------------------------------------------------
# Open311 clients


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def client_create(*, actor: Any, name: str) -> tuple[Open311Client, str]:
    """A new Open311 client and its key, shown once (only its digest is kept)."""
    require_officer(actor)
    name = name.strip()
    if not name:
        raise InvalidField(_("请填写名称。"), field="name")
    if Open311Client.objects.filter(name=name).exists():
        raise InvalidField(_("已有同名接入系统。"), field="name")
    key = secrets.token_urlsafe(24)
    client = Open311Client.objects.create(name=name, key_digest=key_digest(key))
    record(client, "appeals.client.created", actor=actor)
    return client, key


def client_for_key(key: str) -> Open311Client | None:
    return Open311Client.objects.filter(key_digest=key_digest(key), active=True).first()


def close_unrated_step(day: Any) -> dict[str, int]:
    """Daily: close appeals replied more than AUTO_CLOSE_DAYS ago that nobody rated (idempotent:
    a closed appeal is not replied any more)."""
    limit = timezone.now() - timedelta(days=AUTO_CLOSE_DAYS)
    closed = 0
    for appeal in Appeal.objects.filter(status=StatusChoice.REPLIED, replied_at__lt=limit).order_by("pk")[
        :1000
    ]:
        with transaction.atomic():
            locked = _locked(appeal)
            if locked.status != StatusChoice.REPLIED:
                continue
            locked.status = StatusChoice.CLOSED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
            _step(locked, "closed", locked.closed_at, _("答复后逾期未评价，自动办结"))
            record(locked, "appeals.appeal.auto_closed", data={"day": str(day)})
            closed += 1
    return {"closed": closed}
