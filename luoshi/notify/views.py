"""The notify app's pages: a user's notification and reminder preferences; the office's outbox."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from luoshi.org.access import require_officer
from luoshi.web.errors import form_submit
from luoshi.web.htmx import announce, is_htmx

from . import rules, selectors
from .forms import OutboxFilter, PreferenceForm, ReminderForm
from .services import outbox_requeue, preference_set, reminders_set

OUTBOX_PAGE = 50


def _box(request: HttpRequest, template: str, context: dict[str, Any], form: Any, said: str) -> HttpResponse:
    """The form's box for HTMX, always 200 (HTMX swaps in no 4xx answer, as every refused row here): once
    saved the live region says `said` and focus returns to the save button; refused, each field shows its
    message in place (aria-invalid, aria-describedby), the region counts them and focus goes to the first."""
    box = render(request, template, context)
    if context["saved"]:
        return announce(box, said, focus=f"#{context['save_id']}")
    invalid = [name for name in form.fields if name in form.errors]
    n = len(invalid) or 1
    message = ngettext("有 %(n)s 处需要修改", "有 %(n)s 处需要修改", n) % {"n": n}
    return announce(box, message, focus=f"#id_{invalid[0]}" if invalid else f"#{context['error_id']}")


@login_required
@require_POST
def preference(request: HttpRequest) -> HttpResponse:
    """Save the user's own notification preference (通知方式); the form sits on the notifications page."""
    form = PreferenceForm(request.POST)
    saved = (
        form.is_valid()
        and form_submit(form, preference_set, actor=request.user, digest=form.cleaned_data["digest"]).saved
    )
    if is_htmx(request):
        context = {"preference_form": form, "saved": saved}
        context |= {"save_id": "notify-preference-save", "error_id": "notify-preference-error"}
        return _box(request, "notify/_preference.html", context, form, _("通知方式已保存。"))
    if saved:
        messages.success(request, _("通知方式已保存。"))
    else:
        messages.error(request, _("请选择通知方式。"))
    return redirect("notifications")


@login_required
@require_POST
def reminders(request: HttpRequest) -> HttpResponse:
    """Save the user's own reminder preferences: channels, weekly digest, quiet hours (免打扰)."""
    form = ReminderForm(request.POST)
    saved = (
        form.is_valid() and form_submit(form, reminders_set, actor=request.user, **form.cleaned_data).saved
    )
    if is_htmx(request):
        context = {"reminder_form": form, "saved": saved}
        context |= {"save_id": "notify-reminders-save", "error_id": "notify-reminders-error"}
        return _box(request, "notify/_reminders.html", context, form, _("提醒方式已保存。"))
    if saved:
        messages.success(request, _("提醒方式已保存。"))
    else:
        messages.error(request, _("请检查提醒方式。"))
    return redirect("notifications")


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Every message sent or waiting (发送记录), with the rule that sent it: for the office only."""
    require_officer(request.user)
    form = OutboxFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.outbox_rows(**{k: v for k, v in filters.items() if v})
    page = Paginator(rows, OUTBOX_PAGE).get_page(request.GET.get("page"))
    for row in page:
        setattr(row, "rule_label", rules.rule_label(row.rule) if row.rule else "")  # noqa: B010
    suggestions = [(r, rules.rule_label(r)) for r in selectors.outbox_rules()]
    context = {"form": form, "page": page, "rules": suggestions}
    template = "notify/_outbox_rows.html" if is_htmx(request) else "notify/outbox.html"
    return render(request, template, context)


@login_required
@require_POST
def outbox_resend(request: HttpRequest) -> HttpResponse:
    """The office sends failed or unknown messages again (重新发送)."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    done = form_submit(request, outbox_requeue, actor=request.user, ids=ids)
    if done.saved:
        messages.success(request, _("%(n)s 条消息将重新发送。") % {"n": done.value})
    return redirect("notify_outbox")
