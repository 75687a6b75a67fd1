"""Publishing a bulletin (发布通报): its figures and PDF frozen as issued."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError
from luoshi.org.access import require_officer
from luoshi.work.models import Plan

from .bulletin import build_bulletin, freeze, previous_published, render_bulletin_pdf
from .models import PublishedBulletin


def _refuse_if_published(plan: Plan, on: date) -> None:
    number = PublishedBulletin.objects.filter(plan_id=plan.pk, on=on).values_list("number", flat=True).first()
    if number is not None:
        raise Conflict(_("%(date)s 的通报已经发布（第%(n)s期）。") % {"date": on, "n": number})


def _refuse_if_not_latest(plan: Plan, on: date) -> None:
    later = PublishedBulletin.objects.filter(plan_id=plan.pk, on__gt=on).order_by("-on").first()
    if later is not None:
        raise LuoshiError(
            _("已发布 %(date)s 的第%(n)s期通报，不能再发布更早日期的通报。")
            % {"date": later.on, "n": later.number}
        )


def bulletin_publish(*, actor: Any, plan: Plan, on: date) -> PublishedBulletin:
    """Publish the plan's bulletin as of `on` (督查室 only): build it, freeze its figures, render and
    keep its PDF with the SHA-256, number it (the previous issue's number + 1), and audit it.

    Refused when one is already published for that day (Conflict), for a future day, or before the
    plan's latest published issue (the issues form one sequence, each comparing with the one before).
    The document is built and rendered before the audit chain's lock is taken (rendering takes a
    second), then checked again under the lock: if another issue of the plan was published meanwhile,
    the figures rest on a stale previous issue and the publish is refused (Conflict).

    The reporting periods are not locked (`work.services.period_lock` stays the office's own step):
    late filings, late approvals and corrections of periods the issue covered must still be possible,
    since the next issue reports them as corrections; the issue's figures are frozen anyway.
    """
    require_officer(actor, _("只有督查室人员可以发布通报。"))
    if on > timezone.localdate():
        raise LuoshiError(_("不能发布未来日期的通报。"))
    _refuse_if_published(plan, on)
    _refuse_if_not_latest(plan, on)
    previous = previous_published(plan, on)
    # The official document is in the source language (Chinese), whatever the publisher's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        b = build_bulletin(plan=plan, on=on)
        figures = freeze(b)
        pdf = render_bulletin_pdf(b)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        _refuse_if_published(plan, on)
        _refuse_if_not_latest(plan, on)
        now_previous = previous_published(plan, on)
        if (now_previous.pk if now_previous else None) != (previous.pk if previous else None):
            raise Conflict(_("发布期间另有一期通报已发布，请刷新后重试。"))
        published = PublishedBulletin(
            plan=plan,
            on=on,
            number=b.number,
            published_at=timezone.now(),
            published_by=actor,
            figures=figures,
            pdf_sha256=digest,
        )
        published.pdf.save(f"bulletin-{plan.pk}-{on:%Y%m%d}.pdf", ContentFile(pdf), save=False)
        published.save()
        record(
            published,
            "documents.bulletin.published",
            actor=actor,
            after={"plan": plan.pk, "on": on.isoformat(), "number": b.number, "pdf_sha256": digest},
            data={
                "total": b.total,
                "named": len(b.named),
                "changes": len(b.changes),
                "late": len(b.late),
                "corrections": len(b.corrections),
            },
        )
    return published
