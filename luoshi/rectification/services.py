"""Every write of rectification (整改销号): rounds, problems with their measures, sign-off and reopen.

Keyword-only, one transaction each, the duty checked through `org.access`, refusals as the shared
errors of `luoshi.errors`, an audit entry per write. Measures are tasks of the round's plan, made by
the task engine (`work.bulk.task_create_many`, `work.services.task_create`); their state is read,
never written, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.lib.natural import code_key
from luoshi.lib.regions import office_unit_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Person, Unit
from luoshi.work.bulk import NewTask, task_create_many
from luoshi.work.models import Source, Status, Task
from luoshi.work.services import plan_create, task_create

from . import rules
from .models import (
    Approval,
    Measure,
    Problem,
    ProblemKind,
    Publication,
    Reopen,
    Round,
    RoundKind,
    RoundScopeUnit,
    SignOff,
    SignOffEvidence,
    SignOffState,
)

REFUSALS = {
    rules.Refusal.NOT_OPEN: gettext_lazy("该问题已有待审核的销号申请或已销号。"),
    rules.Refusal.NO_EVIDENCE: gettext_lazy("销号须附佐证材料。"),
    rules.Refusal.MEASURES_OPEN: gettext_lazy("还有整改措施没有完成销号，不能申请问题销号。"),
    rules.Refusal.NOT_PENDING: gettext_lazy("这份销号申请已办结。"),
    rules.Refusal.OUT_OF_ORDER: gettext_lazy(
        "还没轮到这一步审核：须依次经单位负责人、牵头领导、巡察办审核。"
    ),
    rules.Refusal.SAME_PERSON: gettext_lazy("申请销号的人不能审核自己的申请。"),
    rules.Refusal.NOT_ALLOWED: gettext_lazy("您不承担这一步的审核。"),
}


def _refuse(refusal: rules.Refusal) -> None:
    message = REFUSALS[refusal]
    if refusal == rules.Refusal.NOT_ALLOWED:
        raise NotAllowed(message, code=refusal.value)
    raise LuoshiError(message, code=refusal.value)


@transaction.atomic
def round_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    body: str,
    start: date,
    end: date,
    due: date,
    feedback: date | None = None,
    scope_units: Sequence[Unit] = (),
) -> Round:
    """Create an inspection or audit round (巡察 / 审计 / 督察) with the plan its measures go in;
    `due` is the last day of its rectification (整改期限)."""
    require_officer(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidField(_("请填写轮次名称。"), field="name")
    if kind not in RoundKind.values:
        raise InvalidField(_("未知的检查类型。"), field="kind")
    if end < start:
        raise InvalidField(_("检查结束日期不能早于开始日期。"), field="end")
    if due < end:
        raise InvalidField(_("整改期限不能早于检查结束日期。"), field="due")
    if Round.objects.filter(name=name).exists():
        raise InvalidField(_("已有同名轮次：%(name)s") % {"name": name}, field="name")
    # The round's plan belongs to the inspecting office's unit, so the round and everything under it
    # lie in that office's region (lib/regions.py); an actor without an officer post: the root's.
    office = office_unit_id(actor, root=False)
    plan = plan_create(
        actor=actor,
        name=_("%(name)s整改") % {"name": name},
        year=end.year,
        start=start,
        due=due,
        **({} if office is None else {"owner_unit_id": office}),
    )
    rnd = Round.objects.create(
        kind=kind, name=name, body=(body or "").strip(), start=start, end=end, feedback=feedback, plan=plan
    )
    # The through rows take the round's region from the round in hand (`.set()` would ask for it per row).
    RoundScopeUnit.objects.bulk_create(
        [
            RoundScopeUnit(round=rnd, unit_id=pk, region_id=rnd.region_id)
            for pk in sorted({u.pk for u in scope_units})
        ]
    )
    record(
        rnd,
        "rectification.round.created",
        actor=actor,
        after={
            "kind": kind,
            "name": name,
            "body": rnd.body,
            "start": str(start),
            "end": str(end),
            "plan": plan.pk,
            "scope_units": sorted(u.pk for u in scope_units),
        },
    )
    return rnd


@dataclass(frozen=True)
class NewProblem:
    """One problem to create, with the titles of its measures (due by the problem's deadline unless
    a date is given)."""

    number: str
    text: str
    responsible_unit: Unit
    deadline: date
    kind: str = ProblemKind.IMMEDIATE
    measures: Sequence[tuple[str, date | None]] = ()
    mechanism: str = ""
    category: str = ""
    responsible_leader: Person | None = None
    money_involved: Decimal = Decimal("0")
    money_recovered: Decimal = Decimal("0")
    is_public: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def problem_refusal(row: NewProblem, *, numbers: set[str]) -> InvalidField | None:
    """Why a new problem may not be created, as the error naming its field, or None."""
    if not row.number.strip():
        return InvalidField(_("请填写问题序号。"), field="number")
    if row.number.strip() in numbers:
        return InvalidField(_("序号 %(n)s 在本轮次中已存在。") % {"n": row.number}, field="number")
    if not row.text.strip():
        return InvalidField(_("请填写问题内容。"), field="text")
    if row.kind not in ProblemKind.values:
        return InvalidField(_("未知的整改类型。"), field="kind")
    if row.kind == ProblemKind.LONG_TERM and not row.mechanism.strip():
        return InvalidField(_("长期整改的问题须写明长效机制。"), field="mechanism")
    if not row.measures or any(not title.strip() for title, _due in row.measures):
        return InvalidField(_("每个问题至少要有一条整改措施。"), field="measures")
    if row.money_involved < 0 or row.money_recovered < 0:
        return InvalidField(_("金额不能为负数。"), field="money_involved")
    return None


def _measure_start(rnd: Round, due: date) -> date:
    start = rnd.feedback or rnd.end
    return min(start, due)


def _create_problems(*, actor: Any, rnd: Round, rows: Sequence[NewProblem], batch: str) -> list[Problem]:
    """Problems and their measures, set-based: one insert of problems, one batch of tasks."""
    numbers = set(Problem.objects.filter(round=rnd).values_list("number", flat=True))
    for row in rows:
        refusal = problem_refusal(row, numbers=numbers)
        if refusal is not None:
            raise refusal
        numbers.add(row.number.strip())
    problems = Problem.objects.bulk_create(
        [
            Problem(
                round=rnd,
                number=row.number.strip(),
                sort_key=code_key(row.number.strip())[:120],
                text=row.text.strip(),
                category=row.category.strip(),
                responsible_unit=row.responsible_unit,
                responsible_leader=row.responsible_leader,
                deadline=row.deadline,
                kind=row.kind,
                mechanism=row.mechanism.strip(),
                money_involved=row.money_involved,
                money_recovered=row.money_recovered,
                is_public=row.is_public,
            )
            for row in rows
        ]
    )
    if any(p.pk is None for p in problems):  # SQLite before 3.35 cannot return ids
        by_number = dict(Problem.objects.filter(round=rnd).values_list("number", "pk"))
        for p in problems:
            p.pk = by_number[p.number]
    new_tasks: list[NewTask] = []
    owner: dict[str, Problem] = {}
    for problem, row in zip(problems, rows, strict=True):
        for i, (title, due) in enumerate(row.measures, start=1):
            code = f"{problem.number}.{i}"
            day = due or row.deadline
            new_tasks.append(
                NewTask(
                    code=code,
                    title=title.strip(),
                    lead_unit=row.responsible_unit,
                    start=_measure_start(rnd, day),
                    due=day,
                    fields={
                        "source": Source.RECTIFICATION,
                        "source_ref": f"rectification:{problem.pk}",
                        "responsible_leader_id": row.responsible_leader.pk
                        if row.responsible_leader
                        else None,
                    },
                )
            )
            owner[code] = problem
    created = task_create_many(actor=actor, plan=rnd.plan, rows=new_tasks, batch=batch, audit=True)
    Measure.objects.bulk_create(
        [Measure(problem=owner[code], task_id=made.pk) for code, made in created.tasks.items()]
    )
    from luoshi.work.selectors import compute_lights
    from luoshi.work.services import persist_lights

    today = timezone.localdate()
    persist_lights(
        compute_lights(plan_id=rnd.plan_id, on=today), on=today, only={m.pk for m in created.tasks.values()}
    )
    return problems


def _problem_after(p: Problem) -> dict[str, Any]:
    return {
        "number": p.number,
        "text": p.text,
        "responsible_unit": p.responsible_unit_id,
        "responsible_leader": p.responsible_leader_id,
        "deadline": str(p.deadline),
        "kind": p.kind,
        "mechanism": p.mechanism,
        "money_involved": str(p.money_involved),
        "money_recovered": str(p.money_recovered),
    }


@transaction.atomic
def problem_create(*, actor: Any, round: Round, row: NewProblem) -> Problem:
    """Create a problem (整改问题) of a round with its measures as tasks, in one step."""
    require_officer(actor)
    (problem,) = _create_problems(
        actor=actor, rnd=round, rows=[row], batch=f"rectification-{round.pk}-{row.number}"
    )
    record(problem, "rectification.problem.created", actor=actor, after=_problem_after(problem))
    return problem


@transaction.atomic
def problems_create(
    *, actor: Any, round: Round, rows: Sequence[NewProblem], action: str = ""
) -> list[Problem]:
    """Create many problems of a round with their measures (import, demo): all or nothing, one
    audit entry for the problems and one for their tasks."""
    if actor is not None:
        require_officer(actor)
    if not rows:
        return []
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    problems = _create_problems(actor=actor, rnd=round, rows=rows, batch=f"rectification-{round.pk}-{stamp}")
    record(
        round,
        action or "rectification.problem.bulk_created",
        actor=actor,
        data={"problems": [p.pk for p in problems], "numbers": [p.number for p in problems]},
    )
    return problems


# ---------------------------------------------------------------------------------------------
# Sign-off (销号)


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("round").get(pk=problem.pk)


def open_measures(problem: Problem) -> int:
    """How many of the problem's measures are neither closed (销号) nor cancelled."""
    task_ids = Measure.objects.filter(problem=problem).values("task_id")
    return Task.objects.filter(pk__in=task_ids).exclude(status__in=[Status.CLOSED, Status.CANCELLED]).count()


def _store_evidence(signoff: SignOff, files: Sequence[UploadedFile]) -> list[SignOffEvidence]:
    """Check every file (size, kind by content) before storing any; delete them on rollback."""
    from luoshi.lib.uploads import UploadRefused, store_checked

    try:
        return store_checked(
            files,
            max_bytes=settings.LUOSHI_EVIDENCE_MAX_BYTES,
            make=lambda **fields: SignOffEvidence(signoff=signoff, **fields),
        )
    except UploadRefused as exc:
        raise InvalidField(str(exc), field="files") from exc


def _carryable(actor: Any, problem: Problem, carried: Iterable[Any]) -> list[Any]:
    """The evidence files named by `carried` that belong to this problem's measures (their tasks'
    reports or claims) and that the actor sees (`work.selectors.carried_evidence`)."""
    from luoshi.work.selectors import carried_evidence

    return carried_evidence(
        actor,
        carried,
        tasks=Measure.objects.filter(problem=problem).values("task_id"),
        refused=_("所选的佐证材料不是本问题整改措施的填报材料，或你无权查看，未能沿用。"),
    )


def _carry_evidence(signoff: SignOff, sources: Sequence[Any]) -> list[SignOffEvidence]:
    """Attach the measures' own evidence files without copying a byte: each row names the stored file
    the work app keeps (content-addressed by SHA-256), with its name, size and type."""
    rows = []
    for ev in sources:
        row = SignOffEvidence(
            signoff=signoff,
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
def signoff_submit(
    *, actor: Any, problem: Problem, note: str, files: Sequence[UploadedFile], carried: Iterable[Any] = ()
) -> SignOff:
    """The responsible unit applies to sign a problem off (申请销号) with what it did and evidence:
    uploaded files, and `carried` ones — ids of the work app's evidence of the problem's measures
    (their reports' and completion claims') that the actor sees, attached as they are stored, so what
    the unit handed in closing each measure need not be uploaded again (一个事实只填一次)."""
    ctx = context_for(actor)
    if problem.responsible_unit_id not in (ctx.reporter_unit_ids | ctx.head_unit_ids):
        raise NotAllowed(_("只有责任单位的填报人员或负责人可以申请销号。"))
    problem = _locked(problem)
    if not (note or "").strip():
        raise InvalidField(_("请写明整改情况。"), field="note")
    sources = _carryable(actor, problem, carried)
    refusal = rules.submit_refusal(
        stage=problem.stage, evidence=len(files) + len(sources), open_measures=open_measures(problem)
    )
    if refusal is not None:
        _refuse(refusal)
    signoff = SignOff.objects.create(problem=problem, submitted_by=actor, note=note.strip())
    kept = _carry_evidence(signoff, sources)
    stored = _store_evidence(signoff, files)
    problem.stage = rules.stage_for(
        has_leader=problem.responsible_leader_id is not None, approved=[], pending=True
    )
    problem.version += 1
    problem.save(update_fields=["stage", "version"])
    record(
        problem,
        "rectification.signoff.submitted",
        actor=actor,
        data={
            "signoff": signoff.pk,
            "note": signoff.note,
            "evidence": [[e.name, e.sha256] for e in stored],
            # carried from the measures' reports and claims (work.Evidence ids), apart from the uploads
            "carried": [[e.name, e.sha256] for e in kept],
            "carried_from": [e.source_id for e in kept],
        },
    )
    _announce(problem, signoff, "rectification.signoff.submitted", step="", actor=actor, note="")
    return signoff


def _announce(problem: Problem, signoff: SignOff, action: str, *, step: str, actor: Any, note: str) -> None:
    """Send `signals.signoff_changed` after the commit (the next approver is told)."""
    from luoshi.work.signals import send_on_commit

    from .signals import signoff_changed

    send_on_commit(
        signoff_changed,
        sender=Problem,
        problem_id=problem.pk,
        signoff_id=signoff.pk,
        stage=str(problem.stage),
        action=action,
        step=step,
        actor_id=actor.pk,
        submitter_id=signoff.submitted_by_id,
        note=note,
    )


def holds_duty(actor: Any, problem: Problem, step: str) -> bool:
    """Whether `actor` holds the duty of `step` for this problem."""
    ctx = context_for(actor)
    if step == rules.Step.UNIT_HEAD:
        return problem.responsible_unit_id in ctx.head_unit_ids
    if step == rules.Step.LEADER:
        return ctx.person_id is not None and ctx.person_id == problem.responsible_leader_id
    if step == rules.Step.OFFICE:
        return ctx.is_officer
    return False


def _decide(*, actor: Any, signoff: SignOff, step: str, approved: bool, note: str) -> SignOff:
    problem = _locked(signoff.problem)
    signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
    done = list(signoff.approvals.filter(approved=True).order_by("at", "pk").values_list("step", flat=True))
    has_leader = problem.responsible_leader_id is not None
    refusal = rules.approval_refusal(
        has_leader=has_leader,
        approved=done,
        step=step,
        pending=signoff.state == SignOffState.PENDING,
        evidence=signoff.evidence.count(),
        submitter_id=signoff.submitted_by_id,
        actor_id=actor.pk,
        holds_duty=holds_duty(actor, problem, step),
    )
    if refusal is not None:
        _refuse(refusal)
    if not approved and not (note or "").strip():
        raise InvalidField(_("退回须写明原因。"), field="note")
    Approval.objects.create(
        signoff=signoff, step=step, actor=actor, approved=approved, note=(note or "").strip()
    )
    if approved:
        problem.stage = rules.stage_for(has_leader=has_leader, approved=[*done, step], pending=True)
        if problem.stage == rules.Stage.DONE:
            signoff.state = SignOffState.APPROVED
    else:
        problem.stage = rules.Stage.OPEN
        signoff.state = SignOffState.REJECTED
    signoff.save(update_fields=["state"])
    problem.version += 1
    problem.save(update_fields=["stage", "version"])
    action = "rectification.signoff.approved" if approved else "rectification.signoff.rejected"
    record(
        problem,
        action,
        actor=actor,
        data={"signoff": signoff.pk, "step": step, "note": (note or "").strip(), "stage": problem.stage},
    )
    _announce(problem, signoff, action, step=step, actor=actor, note=(note or "").strip())
    return signoff


@transaction.atomic
def signoff_approve(*, actor: Any, signoff: SignOff, step: str, note: str = "") -> SignOff:
    """Approve `step` of a sign-off (审核通过); the office's approval signs the problem off (销号)."""
    return _decide(actor=actor, signoff=signoff, step=step, approved=True, note=note)


@transaction.atomic
def signoff_reject(*, actor: Any, signoff: SignOff, step: str, note: str) -> SignOff:
    """Return a sign-off at `step` with the reason (退回); the problem is open again."""
    return _decide(actor=actor, signoff=signoff, step=step, approved=False, note=note)


@transaction.atomic
def problem_reopen(
    *, actor: Any, problem: Problem, reason: str, deadline: date, measure: str, today: date | None = None
) -> Reopen:
    """A re-inspection (回头看) reopens a signed-off problem: the reason, a new deadline and the new
    measure (a task) that fixes what was found; the sign-off chain starts again."""
    require_officer(actor)
    problem = _locked(problem)
    if problem.stage != rules.Stage.DONE:
        raise LuoshiError(_("只有已销号的问题可以重新打开。"))
    if not (reason or "").strip():
        raise InvalidField(_("请写明重新打开的原因。"), field="reason")
    if not (measure or "").strip():
        raise InvalidField(_("请写明新的整改措施。"), field="measure")
    day = today or timezone.localdate()
    if deadline < day:
        raise InvalidField(_("新的整改时限不能早于今天。"), field="deadline")
    reopen = Reopen.objects.create(
        problem=problem, actor=actor, reason=reason.strip(), old_deadline=problem.deadline
    )
    n = Measure.objects.filter(problem=problem).count() + 1
    task = task_create(
        actor=actor,
        plan=problem.round.plan,
        title=measure.strip(),
        lead_unit=problem.responsible_unit,
        start=min(day, deadline),
        due=deadline,
        responsible_leader=problem.responsible_leader,
        code=f"{problem.number}.{n}",
        source=Source.RECTIFICATION,
        source_ref=f"rectification:{problem.pk}",
    )
    Measure.objects.create(problem=problem, task=task)
    problem.stage = rules.Stage.OPEN
    problem.deadline = deadline
    problem.version += 1
    problem.save(update_fields=["stage", "deadline", "version"])
    record(
        problem,
        "rectification.problem.reopened",
        actor=actor,
        data={
            "reason": reopen.reason,
            "old_deadline": str(reopen.old_deadline),
            "deadline": str(deadline),
            "task": task.pk,
        },
    )
    return reopen


# ---------------------------------------------------------------------------------------------
# Publication of results (整改结果公开)


@transaction.atomic
def results_publish(*, actor: Any, round: Round, today: date | None = None) -> Publication:
    """The inspection office publishes a round's results (发布整改结果): a snapshot of its figures per
    responsible unit and of its public problems as of `today`; a newer publication replaces the
    current one (which stays, withdrawn)."""
    from .selectors import results_snapshot

    require_officer(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    day = today or timezone.localdate()
    now = timezone.now()
    current = Publication.objects.select_for_update().filter(round=rnd, withdrawn_at__isnull=True).first()
    if current is not None:
        current.withdrawn_at, current.withdrawn_by = now, actor
        current.withdraw_reason = _("由新发布的结果替代")
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    snapshot = results_snapshot(rnd, today=day)
    publication = Publication.objects.create(
        round=rnd, snapshot=snapshot, as_of=day, published_by=actor, published_at=now
    )
    record(
        rnd,
        "rectification.results.published",
        actor=actor,
        data={
            "publication": publication.pk,
            "as_of": day.isoformat(),
            "replaces": current.pk if current else None,
            "totals": snapshot["totals"],
            "problems": len(snapshot["problems"]),
        },
    )
    return publication


@transaction.atomic
def results_unpublish(*, actor: Any, round: Round, reason: str) -> Publication:
    """The inspection office withdraws a round's published results (撤回), with the reason."""
    require_officer(actor)
    if not (reason or "").strip():
        raise InvalidField(_("请写明撤回的原因。"), field="reason")
    current = (
        Publication.objects.select_for_update().filter(round_id=round.pk, withdrawn_at__isnull=True).first()
    )
    if current is None:
        raise LuoshiError(_("该轮次的整改结果尚未发布。"))
    current.withdrawn_at, current.withdrawn_by = timezone.now(), actor
    current.withdraw_reason = reason.strip()
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record(
        round,
        "rectification.results.unpublished",
        actor=actor,
        data={"publication": current.pk, "reason": current.withdraw_reason},
    )
    return current
