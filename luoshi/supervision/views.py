"""Supervision's pages: items (list, new, the item's page with its journey, notices, responses and
accountability), the escalation queue, the idle list, notice documents and the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.audit.services import record_read
from luoshi.documents.exporters import xlsx_response
from luoshi.lib.paging import CappedPaginator
from luoshi.lib.uploads import download_type, upload_limit
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Role, Unit
from luoshi.web.errors import UNSAVED, form_submit
from luoshi.web.htmx import announce, is_htmx
from luoshi.work import selectors as work_selectors

from . import documents, rules, selectors, services
from .exports import EscalatedExporter
from .forms import AccountabilityForm, CloseForm, DecideForm, HandoffForm, ItemForm, NoticeForm, ResponseForm
from .models import (
    Accountability,
    HandoffKind,
    Item,
    ItemState,
    LevelChoice,
    Notice,
    Response,
    ResponseEvidence,
    SourceKind,
)

ROWS_PER_PAGE = 50


def _visible_item(request: HttpRequest, pk: int) -> Item:
    qs = Item.objects.visible_to(request.user).select_related(
        "lead_unit", "holder_unit", "holder_person", "task", "instruction_leader", "decision"
    )
    return get_object_or_404(qs, pk=pk)


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("supervision:item", args=[pk]))


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    """The items the user sees, filtered by level, state and source."""
    f = {k: request.GET.get(k, "")[:100] for k in ("level", "state", "source", "q")}
    rows = selectors.item_rows(request.user, **f)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "f": f,
        "levels": LevelChoice.choices,
        "states": ItemState.choices,
        "sources": SourceKind.choices,
        "is_officer": context_for(request.user).is_officer,
        "hx_target": "#items",
    }
    if is_htmx(request):
        return render(request, "supervision/_item_rows.html", context)
    return render(request, "supervision/item_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    """新建督办事项 (the office)."""
    require_officer(request.user)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = form_submit(form, services.item_create, actor=request.user, **data)
        if done.saved:
            messages.success(request, _("督办事项已交办。"))
            return _back(done.value.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("新建督办事项")})


def _followup(item: Item, today: Any) -> rules.Followup:
    return rules.followup(closed=item.state == ItemState.CLOSED, is_stalled=services.is_stalled(item, today))


def _notices(item: Item) -> Any:
    """The item's notices, each with its responses (the superseded ones marked) and their evidence."""
    return (
        Notice.objects.filter(item=item)
        .select_related("unit", "issued_by")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("author", "unit")
                .annotate(superseded=Exists(Response.objects.filter(supersedes=OuterRef("pk"))))
                .prefetch_related("evidence")
                .order_by("submitted_at", "pk"),
            )
        )
        .order_by("issued_on", "pk")
    )


def _can_respond(ctx: Any, item: Item) -> bool:
    responders = ctx.reporter_unit_ids | ctx.head_unit_ids
    return item.state == ItemState.OPEN and bool(responders & {item.lead_unit_id, item.holder_unit_id})


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item: its source, task, journey (who held it, how long), notices with their responses,
    proposals, and accountability for those who may see it."""
    item = _visible_item(request, pk)
    today = timezone.localdate()
    ctx = context_for(request.user)
    notices = list(_notices(item))
    can_respond = _can_respond(ctx, item)
    holder_member = services.holds(request.user, item.holder_unit_id)
    scope_root = rules.scope_root(item.lead_unit.path)
    scope_units = (
        Unit.objects.filter(path__startswith=scope_root).exclude(pk=item.holder_unit_id).order_by("path")
    )
    followup = _followup(item, today)
    # One fact typed once: the response starts from the task's latest report, shown with its source.
    source = work_selectors.latest_report(request.user, item.task_id) if can_respond else None
    prefill_text, prefill_reason = work_selectors.report_text(source)
    # ...and carries that report's (and the completion claim's) evidence files, ticked, unless unticked.
    carryable = work_selectors.carryable_evidence(request.user, item.task_id, source) if can_respond else []
    context = {
        "item": item,
        "journey": selectors.journey(item),
        "notices": notices,
        "proposals": list(item.proposals.order_by("proposed_on", "pk")),
        "accountabilities": list(
            Accountability.objects.visible_to(request.user).filter(item=item).select_related("person")
        ),
        "sees_accountability": ctx.is_officer
        or Role.AUDITADMIN in ctx.roles
        or (ctx.is_leader and item.lead_unit_id in ctx.portfolio_unit_ids),
        "followup": followup.value,
        "is_open": item.state == ItemState.OPEN,
        "is_officer": ctx.is_officer,
        "can_transfer": item.state == ItemState.OPEN and (ctx.is_officer or holder_member),
        "can_sign": item.state == ItemState.OPEN and holder_member and not item.signed,
        "can_return": item.state == ItemState.OPEN and holder_member,
        "can_respond": can_respond,
        "stalled": followup == rules.Followup.REASON,
        "scope_units": scope_units if item.state == ItemState.OPEN else [],
        "levels": LevelChoice.choices,
        "idle": item.state == ItemState.OPEN
        and rules.is_idle(
            level=item.level,
            held_since=timezone.localdate(item.held_since),
            today=today,
            t=services.thresholds(),
        ),
        "held_days": rules.days_held(timezone.localdate(item.held_since), today),
        "response_form": ResponseForm(initial={"text": prefill_text, "stall_reason": prefill_reason}),
        "response_source": source,
        "carryable": carryable,
        "carried_checked": {ev.pk for ev in carryable},
        "close_form": CloseForm(),
        "accountability_form": AccountabilityForm(),
    }
    return render(request, "supervision/item_detail.html", context)


@login_required
@require_POST
def item_handoff(request: HttpRequest, pk: int) -> HttpResponse:
    """交办 / 转办 / 签收 / 退回."""
    item = _visible_item(request, pk)
    form = HandoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("交接信息无效。"))
        return _back(item.pk)
    done = form_submit(request, services.item_handoff, actor=request.user, item=item, **form.cleaned_data)
    if done.saved:
        messages.success(request, _("已%(kind)s。") % {"kind": HandoffKind(form.cleaned_data["kind"]).label})
    return _back(item.pk)


@login_required
@require_POST
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The office issues a notice on the item directly."""
    item = _visible_item(request, pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        done = form_submit(request, services.notice_issue, actor=request.user, item=item, **form.cleaned_data)
        if done.saved:
            messages.success(request, _("已印发 %(no)s。") % {"no": done.value.number})
    return _back(item.pk)


@login_required
@require_GET
def notice_file(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """A notice as Word or PDF, for those who see its item."""
    if ext not in ("docx", "pdf"):
        raise Http404
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("item", "unit"), pk=pk)
    name = f"notice-{notice.year}-{notice.seq}.{ext}"
    record_read(request, "audit.data.exported", notice, what="supervision.notice", fmt=ext)
    if ext == "pdf":
        response = HttpResponse(documents.notice_pdf(notice), content_type="application/pdf")
    else:
        response = HttpResponse(
            documents.notice_docx(notice),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@upload_limit()
def response_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's written response to a notice, with its evidence files. By HTMX the notice comes back
    with the new response (focus on it) or with the refused fields marked (focus on the first); a plain
    post goes back to the item's page with a message."""
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    form = ResponseForm(request.POST, request.FILES)
    htmx = is_htmx(request)
    if not form.is_valid() and not htmx:
        messages.error(request, _("请填写办理情况。"))
        return _back(notice.item_id)
    done = UNSAVED
    if form.is_valid():
        done = form_submit(
            form if htmx else request,
            services.response_submit,
            actor=request.user,
            notice=notice,
            text=form.cleaned_data["text"],
            stall_reason=form.cleaned_data["stall_reason"],
            files=form.cleaned_data["evidence"],
            carried=form.cleaned_data["carried"],
        )
    if not htmx:
        if done.saved:
            messages.success(request, _("书面反馈已提交。"))
        return _back(notice.item_id)
    return _notice_answer(request, notice, form, done.value if done.saved else None)


def _notice_answer(request: HttpRequest, notice: Notice, form: ResponseForm, response: Any) -> HttpResponse:
    """The notice's box for HTMX (always 200, as every refused row: HTMX swaps no 4xx in), with what
    the live region says and where focus goes."""
    item = _visible_item(request, notice.item_id)
    ctx = context_for(request.user)
    can_respond = _can_respond(ctx, item)
    source = None
    latest = work_selectors.latest_report(request.user, item.task_id) if can_respond else None
    carryable = work_selectors.carryable_evidence(request.user, item.task_id, latest) if can_respond else []
    checked = form.carried_ids()  # a refused form keeps the boxes as the unit left them
    if response is not None:  # a fresh form, prefilled from the task's latest report as on the page
        source = latest
        text, reason = work_selectors.report_text(source)
        form = ResponseForm(initial={"text": text, "stall_reason": reason})
        checked = {ev.pk for ev in carryable}
    context = {
        "n": _notices(item).get(pk=notice.pk),
        "can_respond": can_respond,
        "stalled": _followup(item, timezone.localdate()) == rules.Followup.REASON,
        "response_form": form,
        "response_source": source,
        "carryable": carryable,
        "carried_checked": checked,
    }
    box = render(request, "supervision/_notice.html", context)
    if response is not None:
        return announce(box, _("书面反馈已提交。"), focus=f"#response-{response.pk}")
    invalid = [name for name in form.fields if name in form.errors]
    n = len(invalid) or 1
    message = ngettext("有 %(n)s 处需要修改", "有 %(n)s 处需要修改", n) % {"n": n}
    focus = f"#notice-{notice.pk}-{invalid[0]}" if invalid else f"#notice-{notice.pk}-error"
    return announce(box, message, focus=focus)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A response's evidence file, only for those who see its item; never via MEDIA_URL."""
    visible = Notice.objects.visible_to(request.user)
    ev = get_object_or_404(ResponseEvidence.objects.filter(response__notice__in=visible), pk=pk)
    try:
        fh = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type, inline = download_type(ev.content_type)
    record_read(request, "audit.evidence.downloaded", ev, name=ev.name)
    resp = FileResponse(fh, as_attachment=not inline, filename=ev.name, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_POST
def item_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("办结须写明办理成效。"))
        return _back(item.pk)
    done = form_submit(request, services.item_close, actor=request.user, item=item, **form.cleaned_data)
    if done.saved:
        messages.success(request, _("督办事项已办结。"))
    return _back(item.pk)


@login_required
@require_POST
def accountability_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    form = AccountabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请完整填写问责信息。"))
        return _back(item.pk)
    done = form_submit(
        request, services.accountability_record, actor=request.user, item=item, **form.cleaned_data
    )
    if done.saved:
        messages.success(request, _("问责已登记。"))
    return _back(item.pk)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The escalation queue (升级督办建议): the office decides, one by one or in bulk."""
    require_officer(request.user)
    page = Paginator(selectors.queue(request.user), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for p in page:
        p.reason_text = selectors.reason_label(p.reason, p.days)  # type: ignore[attr-defined]
    context = {"page": page, "levels": LevelChoice.choices, "hx_target": "#queue"}
    if is_htmx(request):
        return render(request, "supervision/_queue_rows.html", context)
    return render(request, "supervision/queue.html", context)


@login_required
@require_POST
def queue_decide(request: HttpRequest) -> HttpResponseBase:
    require_officer(request.user)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要处理的建议。"))
        return redirect(reverse("supervision:queue"))
    data = form.cleaned_data
    done = form_submit(
        request,
        services.proposals_decide,
        reload_on_conflict=False,
        actor=request.user,
        proposals=data["proposals"],
        accept=data["action"] == "accept",
        level=data["level"],
        reason=data["reason"],
    )
    if done.saved:
        if data["action"] == "accept":
            numbers = "、".join(n.number for n in done.value)
            messages.success(request, _("已采纳，印发 %(no)s。") % {"no": numbers})
        else:
            messages.success(request, _("已驳回 %(n)s 条建议。") % {"n": len(data["proposals"])})
    return redirect(reverse("supervision:queue"))


@login_required
@require_GET
def idle(request: HttpRequest) -> HttpResponse:
    """Items now idle (滞留), longest held first; counted up to 1,000 (past that, "more than 1,000":
    a full count read every idle item's index entry, the page's largest cost at province scale)."""
    now = timezone.now()
    page = CappedPaginator(selectors.idle_items(request.user, now=now), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate(now)
    for item in page:
        item.held_days = rules.days_held(timezone.localdate(item.held_since), today)
    return render(request, "supervision/idle.html", {"page": page, "hx_target": "#idle"})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """Escalated items (催办及以上) as .xlsx, as this user sees them."""
    record_read(request, "audit.data.exported", what="supervision.escalated", fmt="xlsx")
    return xlsx_response(EscalatedExporter(request.user, timezone.localdate()))


@login_required
@require_GET
def accountability_list(request: HttpRequest) -> HttpResponse:
    """Accountability records (问责), for the office, the audit admin and the leaders above the units."""
    ctx = context_for(request.user)
    if not (ctx.is_officer or Role.AUDITADMIN in ctx.roles or ctx.is_leader):
        raise Http404
    rows = (
        Accountability.objects.visible_to(request.user)
        .select_related("person", "item", "item__lead_unit", "recorded_by")
        .order_by("-decided_on", "-pk")
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/accountability.html", {"page": page, "is_officer": ctx.is_officer})
