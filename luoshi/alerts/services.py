"""Early warning and report quality writes: the daily steps (levels, flags), the office's decision on
a flag, and a plan's warning settings; each in one transaction with its audit entry."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField
from luoshi.lib.limits import MAX_TEXT
from luoshi.lib.regions import fill_regions
from luoshi.org.access import require_officer

from . import flags, rules, slips
from .models import Flag, FlagKind, FlagState, PlanSettings, Subject, Warning


def plan_settings() -> dict[int, rules.Settings]:
    """plan id -> its own settings (plans without a row use `rules.DEFAULT`)."""
    return {ps.plan_id: ps.as_rules() for ps in PlanSettings.objects.all()}


def assess_all(
    day: date, owned: list[slips.Owned], settings: dict[int, rules.Settings]
) -> list[dict[str, Any]]:
    """Warning rows (as column values) for every unit and person with a slip that counts on `day`."""
    by_unit: dict[int, list[rules.Slip]] = defaultdict(list)
    by_person: dict[int, list[rules.Slip]] = defaultdict(list)
    person_units: dict[int, Counter[int]] = defaultdict(Counter)
    for o in owned:
        by_unit[o.unit_id].append(o.slip)
        if o.person_id is not None:
            by_person[o.person_id].append(o.slip)
            person_units[o.person_id][o.unit_id] += 1
    rows: list[dict[str, Any]] = []
    for subject, groups in ((Subject.UNIT, by_unit), (Subject.PERSON, by_person)):
        for key, members in groups.items():
            a = rules.assess(members, day, settings)
            if not a.reasons:
                continue
            unit_id = key if subject == Subject.UNIT else person_units[key].most_common(1)[0][0]
            rows.append(
                {
                    "day": day,
                    "subject": subject.value,
                    "unit_id": unit_id,
                    "person_id": None if subject == Subject.UNIT else key,
                    "level": a.level,
                    "score": a.score,
                    "counts": dict(Counter(x.kind for x in a.reasons)),
                    "reasons": [
                        {"kind": x.kind, "on": x.on.isoformat(), "text": x.text, "link": x.link, "ref": x.ref}
                        for x in a.reasons
                    ],
                }
            )
    return rows


def warnings_step(day: date) -> dict[str, Any]:
    """`alerts.levels`: every unit's and person's warning level on `day`, replacing that day's rows
    (idempotent: a second run writes the same rows)."""
    from luoshi.lib.bulk import model_rows, write_rows

    settings = plan_settings()
    window = max([rules.DEFAULT.window_days, *(s.window_days for s in settings.values())])
    owned = slips.collect(day - timedelta(days=window - 1), day)
    rows = assess_all(day, owned, settings)
    with transaction.atomic():
        Warning.objects.filter(day=day).delete()
        columns, values = model_rows(Warning, rows, skip_id=True)
        write_rows(Warning, columns, values)
    levels = Counter((r["subject"], r["level"]) for r in rows)
    return {"slips": len(owned), **{f"{s}_{lvl}": n for (s, lvl), n in sorted(levels.items())}}


FLAG_DAYS = 7  # the daily step looks at the reports known in the last week


def flags_raise(found: list[flags.Found], *, on: date) -> int:
    """Store the flags not raised before (by key: a dismissed flag is never raised again); one audit
    entry per batch. Returns how many were new."""
    if not found:
        return 0
    with transaction.atomic():
        known = set(Flag.objects.filter(key__in=[f.key for f in found]).values_list("key", flat=True))
        rows = [
            {
                "key": f.key,
                "kind": f.kind,
                "unit_id": f.unit_id,
                "task_id": f.task_id,
                "report_id": f.report_id,
                "other_id": f.other_id,
                "detail": f.detail,
                "reason": reason_text(f.kind, f.detail),
                "found_on": on,
            }
            for f in {f.key: f for f in found}.values()
            if f.key not in known
        ]
        fill_regions(Flag, rows)  # the tasks' (or units') regions in one query, not one per flag
        new = [Flag(**row) for row in rows]
        if new:
            Flag.objects.bulk_create(new, batch_size=1000)
            record(
                None,
                "alerts.flags.raised",
                data={"on": on.isoformat(), "flags": len(new), "kinds": dict(Counter(f.kind for f in new))},
                object_type="alerts.Flag",
            )
    return len(new)


def flags_step(day: date) -> dict[str, Any]:
    """`alerts.flags`: raise the flags of the reports known in the week to `day` and the phantom units."""
    found = flags.find(day - timedelta(days=FLAG_DAYS - 1), day)
    return {"found": len(found), "new": flags_raise(found, on=day)}


def reason_text(kind: str, d: dict[str, Any]) -> str:
    """The flag's reason in words (Chinese, as stored; pages show it translated), with the weaker
    findings on the same report that it stands for (`also`, `rules.strongest`)."""
    text = _kind_reason(kind, d)
    also = [k for k in d.get("also") or [] if k in FlagKind.values]
    if also:
        text += _("（另：%(kinds)s）") % {"kinds": _("、").join(str(FlagKind(k).label) for k in also)}
    return text


def _kind_reason(kind: str, d: dict[str, Any]) -> str:
    if kind == rules.Flag.JUMP:
        if d.get("expected") is not None:
            return _(
                "进度由%(a)s%%升至%(b)s%%，超过均衡进度%(e)s%%，距考核日仅%(d)s天，无佐证材料或到期节点"
            ) % {
                "a": d.get("from"),
                "b": d.get("to"),
                "e": d.get("expected"),
                "d": d.get("days"),
            }
        return _("进度由%(a)s%%升至%(b)s%%，距考核日仅%(d)s天") % {
            "a": d.get("from"),
            "b": d.get("to"),
            "d": d.get("days"),
        }
    if kind == rules.Flag.DROP:
        return _("累计值由%(a)s降至%(b)s") % {"a": d.get("from"), "b": d.get("to")}
    if kind == rules.Flag.COPIED:
        where = _("本单位上期填报") if d.get("scope") == "previous" else _("其他单位同期填报")
        return _("进展情况与%(where)s高度相似（相似度%(s)s）") % {"where": where, "s": d.get("similarity")}
    if kind == rules.Flag.NO_EVIDENCE:
        return _("填报已完成，但未附佐证材料")
    if kind == rules.Flag.EMPTY:
        return _("进展情况没有数字、日期、地点、成果或文件，只有表态")
    if kind == rules.Flag.PHANTOM:
        return _("应报%(n)s期均未报送，从未填报") % {"n": d.get("owed")}
    return kind


@transaction.atomic
def flag_decide(*, actor: Any, flag: Flag, state: str, note: str = "") -> Flag:
    """The office looks at a flag (已查看) or dismisses it with a note (已排除). Either way the flag is
    closed for good; a flag is a question, so nothing else changes (no score, no penalty)."""
    require_officer(actor, _("只有督查考核人员可以处理填报质量提示"))
    if state not in (FlagState.LOOKED, FlagState.DISMISSED):
        raise InvalidField(_("处理结果无效"), field="state")
    note = (note or "").strip()
    if state == FlagState.DISMISSED and not note:
        raise InvalidField(_("排除提示须写明理由"), field="note")
    if len(note) > MAX_TEXT:
        raise InvalidField(_("说明过长"), field="note")
    now = timezone.now()
    done = Flag.objects.filter(pk=flag.pk, state=FlagState.OPEN).update(
        state=state, note=note, decided_by=actor, decided_at=now
    )
    if not done:
        raise Conflict(_("该提示已由他人处理"))
    flag.refresh_from_db()
    record(
        flag,
        "alerts.flag.dismissed" if state == FlagState.DISMISSED else "alerts.flag.looked",
        actor=actor,
        data={"kind": flag.kind, "key": flag.key, "note": note},
    )
    return flag


def settings_of(plan: Any) -> rules.Settings:
    """The plan's warning settings: its own row's, else the defaults."""
    row = PlanSettings.objects.filter(plan=plan).first()
    return row.as_rules() if row is not None else rules.DEFAULT


def settings_fingerprint(settings: rules.Settings) -> str:
    """The settings as a form saw them (SHA-256, short), to tell an edit made meanwhile."""
    weights = ",".join(f"{k}={Decimal(str(v)).normalize()}" for k, v in sorted(settings.weights.items()))
    raw = "\x1f".join(
        [
            str(settings.window_days),
            *(
                str(Decimal(str(x)).normalize())
                for x in (settings.blue, settings.yellow, settings.orange, settings.red)
            ),
            weights,
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@transaction.atomic
def plan_settings_save(
    *,
    actor: Any,
    plan: Any,
    window_days: int,
    blue: Decimal,
    yellow: Decimal,
    orange: Decimal,
    red: Decimal,
    weights: dict[str, Decimal] | None = None,
    seen: str | None = None,
) -> PlanSettings:
    """Set a plan's warning window, thresholds and weights (validated by `rules.validate`). With
    `seen` (the `settings_fingerprint` the editor loaded), settings saved meanwhile by someone else
    are a conflict, not overwritten."""
    require_officer(actor, _("只有督查考核人员可以设置预警参数"))
    if seen is not None:
        from luoshi.work.models import Plan

        list(Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk"))  # one editor at a time
        if seen != settings_fingerprint(settings_of(plan)):
            raise Conflict(_("该计划的预警参数已被他人修改，请查看最新设置后再改。"))
    merged = dict(rules.DEFAULT_WEIGHTS)
    merged.update({k: Decimal(str(v)) for k, v in (weights or {}).items()})
    candidate = replace(
        rules.DEFAULT,
        window_days=int(window_days),
        blue=Decimal(blue),
        yellow=Decimal(yellow),
        orange=Decimal(orange),
        red=Decimal(red),
        weights=merged,
    )
    bad = rules.validate(candidate)
    if bad:
        messages = {
            "window_days": _("统计窗口应为1至366天"),
            "thresholds": _("预警分值应为正数且蓝≤黄≤橙≤红"),
            "weights": _("权重不能为负数，且只能设置已知的失误类型"),
        }
        raise InvalidField(messages[bad[0]], field=bad[0])
    row, _created = PlanSettings.objects.update_or_create(
        plan=plan,
        defaults={
            "window_days": candidate.window_days,
            "blue": candidate.blue,
            "yellow": candidate.yellow,
            "orange": candidate.orange,
            "red": candidate.red,
            "weights": {k: str(v) for k, v in (weights or {}).items()},
        },
    )
    record(
        row,
        "alerts.settings.saved",
        actor=actor,
        data={"plan": plan.pk, **{k: str(v) for k, v in row.as_rules().__dict__.items() if k != "weights"}},
    )
    return row
