"""The shell around every page: sign-in, the role-based home, notifications and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.audit.actions import ACTIONS, describe
from luoshi.audit.models import NO_REGION, Entry
from luoshi.lib.limits import MAX_ID
from luoshi.notify.forms import PreferenceForm, ReminderForm
from luoshi.notify.models import Notification
from luoshi.notify.selectors import reminder_initial
from luoshi.notify.services import notification_mark_read
from luoshi.org.access import context_for, require_audit_admin
from luoshi.org.models import Role

from .htmx import is_htmx

PAGE_SIZE = 50


def home_for(user: object) -> str:
    """Where a signed-in user starts: the page for their main duty."""
    ctx = context_for(user)
    if ctx.is_officer:
        return "/work/review/"
    if ctx.is_leader:
        return "/work/dashboard/"
    if ctx.head_unit_ids:
        return "/work/approvals/"
    if ctx.reporter_unit_ids:
        return "/work/fill/"
    if Role.AUDITADMIN in ctx.roles:
        return "/audit/"
    if Role.SECADMIN in ctx.roles:
        return "/account/security/"
    if Role.SYSADMIN in ctx.roles:
        return "/org/units/"
    return "/work/tasks/"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_for(request.user))


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # @login_required
    qs = Notification.objects.filter(user=user).select_related("task").order_by("-created", "-id")
    if request.GET.get("unread"):
        qs = qs.filter(read=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=user, read=False).count()
    initial = reminder_initial(user)  # with the light-change digest: one query for both forms
    form = PreferenceForm(initial={"digest": initial.pop("digest")})
    reminder_form = ReminderForm(initial=initial)
    return render(
        request,
        "web/notifications.html",
        {"page": page, "unread_count": unread, "preference_form": form, "reminder_form": reminder_form},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = None
    if request.POST.get("id"):
        try:
            ids = [int(request.POST["id"])]
        except ValueError:
            ids = []
        ids = [i for i in ids if 0 < i <= MAX_ID]
    n = notification_mark_read(actor=request.user, ids=ids)
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if ids is None:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/notifications/"
    return HttpResponseRedirect(target)


@login_required
def audit_trail(request: HttpRequest) -> HttpResponseBase:
    """The audit trail (审计日志) for the audit admin only; everyone else is refused. Each view and
    each export (`?format=xlsx|csv`, the same filters) is itself recorded."""
    from luoshi.audit.exporters import region_names
    from luoshi.audit.services import record

    user = request.user
    require_audit_admin(user)
    qs = Entry.objects.visible_to(user).order_by("-id")
    action = request.GET.get("action", "")
    if action:
        qs = qs.filter(action=action)
    regions = region_names()
    try:
        region: int | None = int(request.GET.get("region", ""))
    except ValueError:
        region = None
    if region is not None and region in regions:
        qs = qs.filter(region_id=region)
    else:
        region = None
    obj = request.GET.get("object", "")
    if obj and ":" in obj:
        otype, oid = obj.split(":", 1)
        qs = qs.filter(object_type=otype, object_id=oid)
    lang = get_language() or "zh-hans"
    filters = {"action": action[:100], "object": obj[:130]} | (
        {"region": region} if region is not None else {}
    )
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "csv"):
        from luoshi.audit.exporters import EntryExporter
        from luoshi.documents.exporters import csv_response, xlsx_response

        with transaction.atomic():
            record(None, "audit.trail.exported", actor=user, data=filters | {"format": fmt})
        exporter = EntryExporter(qs, language=lang)
        return xlsx_response(exporter) if fmt == "xlsx" else csv_response(exporter)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    with transaction.atomic():
        record(None, "audit.trail.viewed", actor=user, data=filters | {"page": page.number})
    for e in page:
        e.action_text = describe(e.action, lang)
        e.region_name = regions.get(e.region_id, str(e.region_id))  # type: ignore[attr-defined]
    actions = sorted(((code, describe(code, lang)) for code in ACTIONS), key=lambda a: a[0])
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "actions": actions,
            "action": action,
            # a chain per region, each numbered from 1: the filter shows one chain in its order
            "regions": sorted(regions.items(), key=lambda r: (r[0] == NO_REGION, r[0])),
            "region": region,
        },
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for requests Django refuses before any view (a forged Host header, a bad cookie…): JSON
    under /api/, as every API answer, else the 400 page."""
    from django.http import JsonResponse
    from django.views.defaults import bad_request as page

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("请求无效。")}, status=400)
    return page(request, exception)
