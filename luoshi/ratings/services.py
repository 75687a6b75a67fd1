"""Every write of ratings (评议): rounds, panels, raters and their ballots, token links, a ballot's
submission, closing a round.

Keyword-only, one transaction each, the office's duty checked through `org.access` (a rater has no
account: a ballot is reached by its token alone), refusals as the shared errors of `luoshi.errors`,
an audit entry per write. A refused ballot is recorded (`BallotRefusal` and the audit trail) in its
own transaction, after the refused one has rolled back, so nothing of it is half-written.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError
from luoshi.lib.regions import office_unit_id
from luoshi.notify.services import Message, notify
from luoshi.org.access import require_officer
from luoshi.org.models import Unit

from . import rules
from .models import (
    Answer,
    Ballot,
    BallotRefusal,
    Item,
    Panel,
    PanelUnit,
    RatingRound,
    RoundKind,
    RoundState,
    RoundUnit,
    token_digest,
)

logger = logging.getLogger(__name__)

REFUSALS = {
    rules.Refusal.UNKNOWN: gettext_lazy("评议链接无效，请核对链接或联系考核办。"),
    rules.Refusal.USED: gettext_lazy("这份评议表已经提交过，不能再次提交。感谢您的参与。"),
    rules.Refusal.NOT_OPEN: gettext_lazy("评议尚未开始，请在开始后再打开链接。"),
    rules.Refusal.CLOSED: gettext_lazy("本轮评议已结束，链接已失效。"),
    rules.Refusal.OUT_OF_SCALE: gettext_lazy("有评分不在本轮的评分档次内，评议表未提交。"),
    rules.Refusal.INCOMPLETE: gettext_lazy("还有事项没有评分，请评完所有单位的所有事项后再提交。"),
}
SCALE_PROBLEMS = {
    "too_few": gettext_lazy("评分档次至少要有两档。"),
    "blank_label": gettext_lazy("评分档次的名称不能为空。"),
    "duplicate_label": gettext_lazy("评分档次的名称不能重复。"),
    "bad_points": gettext_lazy("评分档次的分值应为不小于 0 的数。"),
}
TOKEN_BYTES = 24


def _scale_json(options: Sequence[rules.Option]) -> list[list[Any]]:
    return [[o.label.strip(), str(o.points), o.unsatisfied] for o in options]


@transaction.atomic
def round_create(
    *,
    actor: Any,
    name: str,
    opens: datetime,
    closes: datetime,
    items: Sequence[str],
    rated_units: Sequence[Unit],
    scale: Sequence[rules.Option] = rules.SATISFACTION,
    kind: str = RoundKind.QUARTERLY,
    period: str = "",
    minimum_responses: int = 5,
    veto_percent: Decimal = Decimal("30"),
) -> RatingRound:
    """Create a rating round (评议轮次) with its items, scale and rated units (in draft)."""
    require_officer(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidField(_("请填写评议名称。"), field="name")
    if kind not in RoundKind.values:
        raise InvalidField(_("未知的评议类型。"), field="kind")
    if closes <= opens:
        raise InvalidField(_("截止时间应晚于开始时间。"), field="closes")
    problem = rules.scale_problem(scale)
    if problem is not None:
        raise InvalidField(SCALE_PROBLEMS[problem], field="scale", code=problem)
    if minimum_responses < 1:
        raise InvalidField(_("最少有效票应不少于 1。"), field="minimum_responses")
    if not (Decimal(0) <= veto_percent <= Decimal(100)):
        raise InvalidField(_("不满意否决线应在 0 到 100 之间。"), field="veto_percent")
    texts = [t.strip() for t in items if t.strip()]
    if not texts:
        raise InvalidField(_("请至少填写一个评议事项。"), field="items")
    if len(set(texts)) != len(texts):
        raise InvalidField(_("评议事项不能重复。"), field="items")
    if any(len(t) > 200 for t in texts):
        raise InvalidField(_("评议事项不能超过 200 字。"), field="items")
    if not rated_units:
        raise InvalidField(_("请选择被评议单位。"), field="rated_units")
    if RatingRound.objects.filter(name=name).exists():
        raise InvalidField(_("已有同名评议：%(name)s") % {"name": name}, field="name")
    rnd = RatingRound.objects.create(
        name=name,
        kind=kind,
        period=(period or "").strip(),
        opens=opens,
        closes=closes,
        scale=_scale_json(scale),
        minimum_responses=minimum_responses,
        veto_percent=veto_percent,
        office_id=office_unit_id(actor),  # its region is the round's (lib/regions.py)
        created_by=actor,
    )
    Item.objects.bulk_create([Item(round=rnd, position=i, text=t) for i, t in enumerate(texts, start=1)])
    _rate_units(RoundUnit, "ratinground", rnd, rated_units)
    record(
        rnd,
        "ratings.round.created",
        actor=actor,
        after={
            "name": name,
            "kind": kind,
            "period": rnd.period,
            "opens": opens.isoformat(),
            "closes": closes.isoformat(),
            "scale": rnd.scale,
            "minimum_responses": minimum_responses,
            "veto_percent": str(veto_percent),
            "items": texts,
            "rated_units": sorted(u.pk for u in rated_units),
        },
    )
    return rnd


def _rate_units(through: Any, parent: str, owner: Any, units: Sequence[Unit]) -> None:
    """The rated units of a round or panel, keyed with its region from the object in hand (`.set()`
    would ask for the region once per row)."""
    through.objects.bulk_create(
        [
            through(**{parent: owner}, unit_id=pk, region_id=owner.region_id)
            for pk in sorted({u.pk for u in units})
        ]
    )


def _require_not_closed(rnd: RatingRound) -> None:
    if rnd.state == RoundState.CLOSED:
        raise LuoshiError(_("本轮评议已结束，不能再修改。"), code="closed")


@transaction.atomic
def panel_create(*, actor: Any, round: RatingRound, name: str, rated_units: Sequence[Unit] = ()) -> Panel:
    """A panel of raters (评议组) in a round; it rates its own units, or the round's when none given
    (条块双向评议: a panel of departments rating the communities is one with the communities here)."""
    require_officer(actor)
    _require_not_closed(round)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidField(_("请填写评议组名称（不超过 100 字）。"), field="name")
    if Panel.objects.filter(round=round, name=name).exists():
        raise InvalidField(_("本轮已有评议组：%(name)s") % {"name": name}, field="name")
    panel = Panel.objects.create(round=round, name=name)
    _rate_units(PanelUnit, "panel", panel, rated_units)
    record(
        panel,
        "ratings.panel.created",
        actor=actor,
        after={"round": round.pk, "name": name, "rated_units": sorted(u.pk for u in rated_units)},
    )
    return panel


def panel_units(panel: Panel) -> list[Unit]:
    """The units a panel rates, in the order of the org tree: its own, or else the round's."""
    own = list(panel.rated_units.order_by("path", "pk"))
    return own or list(Unit.objects.filter(rating_rounds=panel.round_id).order_by("path", "pk"))


@transaction.atomic
def round_open(*, actor: Any, round: RatingRound) -> RatingRound:
    """Open a round for ballots (准备中 → 评议中); it needs at least one ballot."""
    require_officer(actor)
    rnd = RatingRound.objects.select_for_update().get(pk=round.pk)
    if rnd.state != RoundState.DRAFT:
        raise LuoshiError(_("只有准备中的评议可以开始。"), code="not_draft")
    if not rnd.ballots.exists():
        raise LuoshiError(_("还没有评议人：请先导入评议人。"), code="no_raters")
    RatingRound.objects.filter(pk=rnd.pk).update(state=RoundState.OPEN)
    rnd.state = RoundState.OPEN
    record(rnd, "ratings.round.opened", actor=actor, before={"state": "draft"}, after={"state": "open"})
    return rnd


@transaction.atomic
def round_close(*, actor: Any, round: RatingRound) -> RatingRound:
    """Close a round (评议结束): every token link stops working; the results stand as they are."""
    require_officer(actor)
    rnd = RatingRound.objects.select_for_update().get(pk=round.pk)
    if rnd.state == RoundState.CLOSED:
        raise LuoshiError(_("本轮评议已经结束。"), code="closed")
    before = rnd.state
    now = timezone.now()
    RatingRound.objects.filter(pk=rnd.pk).update(state=RoundState.CLOSED, closed_at=now)
    rnd.state, rnd.closed_at = RoundState.CLOSED, now
    answered = rnd.ballots.filter(submitted_at__isnull=False).count()
    record(
        rnd,
        "ratings.round.closed",
        actor=actor,
        before={"state": before},
        after={"state": "closed", "ballots": rnd.ballots.count(), "answered": answered},
    )
    return rnd


@dataclass(frozen=True)
class Issued:
    """A ballot with its new token; the token exists only here and in the link handed out."""

    ballot: Ballot
    token: str


@transaction.atomic
def tokens_issue(
    *,
    actor: Any,
    round: RatingRound,
    ballot_ids: Iterable[int] | None = None,
    link_base: str = "",
    notify_users: bool = False,
) -> list[Issued]:
    """Issue (or issue again) the token links of the round's unanswered ballots (all, or those
    named). A new token replaces the old one, whose link stops working. With `notify_users`, raters
    that have a user account are sent their link through notify (`link_base` + token + "/")."""
    require_officer(actor)
    rnd = RatingRound.objects.select_for_update().get(pk=round.pk)
    _require_not_closed(rnd)
    qs = rnd.ballots.filter(submitted_at__isnull=True).select_related("rater", "panel")
    if ballot_ids is not None:
        qs = qs.filter(pk__in=list(ballot_ids))
    ballots = list(qs.order_by("panel_id", "rater__name", "pk"))
    now = timezone.now()
    issued = []
    for ballot in ballots:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        ballot.token_hash = token_digest(token)
        ballot.issued_at = now
        ballot.issues += 1
        issued.append(Issued(ballot, token))
    Ballot.objects.bulk_update(ballots, ["token_hash", "issued_at", "issues"], batch_size=500)
    sent = []
    if notify_users and link_base:
        closes = timezone.localtime(rnd.closes).strftime("%Y-%m-%d %H:%M")
        messages = [
            Message(
                user_id=i.ballot.rater.user_id,
                task_id=None,
                text=_("请在 %(closes)s 前完成「%(round)s」评议：%(link)s")
                % {"closes": closes, "round": rnd.name, "link": f"{link_base}{i.token}/"},
            )
            for i in issued
            if i.ballot.rater.user_id is not None
        ]
        notify(messages, rule="ratings.link.sent")
        sent = [m.user_id for m in messages]
    record(
        rnd,
        "ratings.tokens.issued",
        actor=actor,
        data={"ballots": [b.pk for b in ballots], "notified_users": sorted(sent)},
    )
    return issued


def _lookup(token: str) -> Ballot | None:
    if not token or len(token) > 200:
        return None
    return (
        Ballot.objects.select_related("round", "panel", "rater")
        .filter(token_hash=token_digest(token))
        .first()
    )


def _ballot_refusal(ballot: Ballot | None, now: datetime) -> rules.Refusal | None:
    if ballot is None:
        return rules.Refusal.UNKNOWN
    if ballot.submitted_at is not None:
        return rules.Refusal.USED
    rnd = ballot.round
    if rnd.state == RoundState.CLOSED or now >= rnd.closes:
        return rules.Refusal.CLOSED
    if rnd.state != RoundState.OPEN or now < rnd.opens:
        return rules.Refusal.NOT_OPEN
    return None


class _Refused(Exception):
    def __init__(self, reason: rules.Refusal, ballot: Ballot | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.ballot = ballot


@transaction.atomic
def _refusal_record(reason: rules.Refusal, ballot: Ballot, *, submitted: bool) -> None:
    if not submitted and BallotRefusal.objects.filter(ballot=ballot, reason=reason.value).exists():
        return  # a link opened again: one row per ballot and reason is enough
    refusal = BallotRefusal.objects.create(
        round_id=ballot.round_id, ballot=ballot, region_id=ballot.region_id, reason=reason.value
    )
    if submitted:
        record(
            refusal,
            "ratings.ballot.refused",
            data={"reason": reason.value, "round": ballot.round_id, "ballot": ballot.pk},
        )


def _refuse(reason: rules.Refusal, ballot: Ballot | None, *, submitted: bool) -> LuoshiError:
    """The refusal's error, recorded for a link that names a ballot: a refused submission in the
    audit trail too, a refused visit once per ballot and reason. A token that names no ballot is
    only logged: anybody can send those, and each must not cost a write (nor a turn on the chain)."""
    if ballot is None:
        logger.info("ratings: a ballot link with an unknown token was refused")
    else:
        _refusal_record(reason, ballot, submitted=submitted)
    return LuoshiError(REFUSALS[reason], code=reason.value)


def ballot_open(*, token: str, now: datetime | None = None) -> Ballot:
    """The ballot a token link opens, or the refusal (unknown, used, not open, closed), recorded."""
    now = now or timezone.now()
    ballot = _lookup(token)
    reason = _ballot_refusal(ballot, now)
    if reason is not None:
        raise _refuse(reason, ballot, submitted=False)
    assert ballot is not None
    return ballot


# ballot, its region (lib/regions.py), unit, item, choice, points, unsatisfied
AnswerRow = tuple[int, int, int, int, int, Decimal, bool]
ANSWER_COLUMNS = ("ballot_id", "region_id", "unit_id", "item_id", "choice", "points", "unsatisfied")


def _answers(ballot: Ballot, answers: Mapping[tuple[int, int], object]) -> list[AnswerRow] | rules.Refusal:
    options = ballot.round.options
    items = list(
        Item.objects.filter(round_id=ballot.round_id).order_by("position").values_list("pk", flat=True)
    )
    units = [u.pk for u in panel_units(ballot.panel)]
    expected = {(u, i) for u in units for i in items}
    if set(answers) - expected:
        return rules.Refusal.OUT_OF_SCALE
    rows: list[AnswerRow] = []
    for unit_id in units:
        for item_id in items:
            choice = answers.get((unit_id, item_id))
            if choice is None or choice == "":
                return rules.Refusal.INCOMPLETE
            option = rules.choose(options, choice)
            if option is None:
                return rules.Refusal.OUT_OF_SCALE
            index = options.index(option)
            rows.append(
                (ballot.pk, ballot.region_id, unit_id, item_id, index, option.points, option.unsatisfied)
            )
    return rows


def _insert_answers(rows: list[AnswerRow]) -> None:
    """The answers as multi-row INSERTs (a ballot is a few hundred rows at most): no model instances
    to build, so a submission costs little CPU in the web process."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ANSWER_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(ANSWER_COLUMNS)) + ")"
    with connection.cursor() as cur:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}",
                [v for row in chunk for v in row],
            )


@transaction.atomic
def _store(ballot: Ballot, rows: list[AnswerRow], now: datetime) -> Ballot:
    # The answers go in before the audit chain's lock, so submissions wait for each other only for
    # the conditional update, the audit entry and the commit. Two submissions of one token: the
    # second one's answers wait on the first one's (unique ballot, unit, item) and then fail, or it
    # finds the ballot submitted; either way it is refused.
    _insert_answers(rows)  # an IntegrityError here ends the transaction: see `_submit`
    # One conditional update decides which of two submissions of the same token wins.
    won = Ballot.objects.filter(
        pk=ballot.pk, submitted_at__isnull=True, round__state=RoundState.OPEN, round__closes__gt=now
    ).update(submitted_at=now)
    if won != 1:
        fresh = Ballot.objects.select_related("round").get(pk=ballot.pk)
        raise _Refused(_ballot_refusal(fresh, now) or rules.Refusal.USED, ballot)
    ballot.submitted_at = now
    record(
        ballot,
        "ratings.ballot.submitted",
        object_repr=f"{ballot.round.name} / {ballot.panel.name}",
        data={"round": ballot.round_id, "panel": ballot.panel_id, "answers": len(rows)},
    )
    return ballot


def _submit(token: str, answers: Mapping[tuple[int, int], object], now: datetime) -> Ballot:
    ballot = _lookup(token)
    reason = _ballot_refusal(ballot, now)
    if reason is not None:
        raise _Refused(reason, ballot)
    assert ballot is not None
    rows = _answers(ballot, answers)
    if isinstance(rows, rules.Refusal):
        raise _Refused(rows, ballot)
    try:
        return _store(ballot, rows, now)
    except IntegrityError:
        # The same ballot's answers were stored by a submission that committed first.
        raise _Refused(rules.Refusal.USED, ballot) from None


def ballot_submit(
    *, token: str, answers: Mapping[tuple[int, int], object], now: datetime | None = None
) -> Ballot:
    """Submit a ballot by its token: every item of every unit the panel rates, each an option of
    the round's scale (its index), all in one transaction; submitted once. A refusal (unknown,
    used, not open, closed or expired, out of scale, incomplete) is recorded and raised with its
    message; nothing of the ballot is written."""
    now = now or timezone.now()
    try:
        return _submit(token, answers, now)
    except _Refused as refused:
        raise _refuse(refused.reason, refused.ballot, submitted=True) from None
