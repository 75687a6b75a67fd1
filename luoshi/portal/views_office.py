"""The office's side of the portal: review pending public versions (with what changed), moderate
citizens' feedback, collect changes of public tasks and projects, and withdraw items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.commitments.models import CatalogueKind
from luoshi.org.access import require_officer
from luoshi.web.errors import form_submit

from . import rules, selectors, services
from .forms import ModerateForm, ReviewForm, WithdrawForm
from .models import Feedback, FeedbackState, Kind, Publication, Snapshot

PAGE = 50


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Pending public versions, oldest first, each with the fields that differ from the public one."""
    require_officer(request.user)
    kind = request.GET.get("kind", "")
    qs = selectors.pending_reviews()
    if kind in Kind.values:
        qs = qs.filter(publication__kind=kind)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "snap": s,
            "title": s.data.get("title") or s.data.get("name") or s.data.get("kind") or s.publication.title,
            "changes": rules.diff(s.publication.current.data if s.publication.current else None, s.data),
        }
        for s in page
    ]
    context = {"page": page, "rows": rows, "kind": kind, "kinds": Kind.choices, "form": ReviewForm()}
    return render(request, "portal/office_review.html", context)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or reject one pending version."""
    snap = get_object_or_404(Snapshot, pk=pk)
    form = ReviewForm(request.POST)
    publish = request.POST.get("decision") == "publish"
    if form.is_valid():
        done = form_submit(
            request,
            services.snapshot_review,
            reload_on_conflict=False,
            actor=request.user,
            snapshot=snap,
            publish=publish,
            note=form.cleaned_data["note"],
        )
        if done.saved:
            messages.success(request, _("已公开。") if publish else _("已不予公开，公众仍看到原版本。"))
    return redirect("portal_office:review")


@login_required
@require_POST
def review_many(request: HttpRequest) -> HttpResponse:
    """Publish the checked pending versions."""
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()][:1000]
    done = form_submit(request, services.snapshots_publish, actor=request.user, ids=ids)
    if done.saved:
        messages.success(request, _("已公开 %(n)s 项。") % {"n": done.value})
    return redirect("portal_office:review")


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """Collect now the changes of public tasks and key projects (the daily tick does it too)."""
    require_officer(request.user)
    done = form_submit(request, services.publications_sync, day=timezone.localdate(), actor=request.user)
    if done.saved:
        messages.success(request, _("新提交待审 %(n)s 项。") % {"n": done.value["proposed"]})
    return redirect("portal_office:review")


@login_required
@require_GET
def feedback_queue(request: HttpRequest) -> HttpResponse:
    """Citizens' feedback to moderate (pending first), with the item it is about."""
    require_officer(request.user)
    state = request.GET.get("state", FeedbackState.PENDING)
    qs = Feedback.objects.select_related("publication").order_by("created", "pk")
    if state in FeedbackState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": FeedbackState.choices,
        "form": ModerateForm(),
        "catalogue_kinds": dict(CatalogueKind.choices),
    }
    return render(request, "portal/office_feedback.html", context)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    fb = get_object_or_404(Feedback, pk=pk)
    form = ModerateForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        done = form_submit(
            request,
            services.feedback_moderate,
            actor=request.user,
            feedback=fb,
            approve=approve,
            reply=form.cleaned_data["reply"],
        )
        if done.saved:
            messages.success(request, _("留言已公开。") if approve else _("留言不予公开。"))
    return redirect("portal_office:feedback")


@login_required
@require_GET
def publications(request: HttpRequest) -> HttpResponse:
    """What the portal shows, by kind, with the way to withdraw an item."""
    require_officer(request.user)
    kind = request.GET.get("kind", "")
    qs = selectors.public().select_related("unit").order_by("kind", "unit__name", "pk")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/office_publications.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Kind.choices,
            "form": WithdrawForm(),
            "catalogue_kinds": dict(CatalogueKind.choices),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        done = form_submit(
            request,
            services.publication_withdraw,
            actor=request.user,
            publication=pub,
            reason=form.cleaned_data["reason"],
        )
        if done.saved:
            messages.success(request, _("已撤回。"))
    else:
        messages.error(request, _("请填写撤回原因。"))
    return redirect("portal_office:publications")


@login_required
@require_POST
def publish_projects(request: HttpRequest) -> HttpResponse:
    """Make every key project not yet public a publication with a first version to review."""
    require_officer(request.user)
    from luoshi.projects.models import Project

    known = Publication.objects.filter(kind=Kind.PROJECT).values_list("ref", flat=True)
    ids = [pk for pk in Project.objects.values_list("pk", flat=True) if str(pk) not in set(known)]
    done = form_submit(
        request, services.project_publish, actor=request.user, project_ids=ids, on=timezone.localdate()
    )
    if done.saved:
        messages.success(request, _("新提交待审 %(n)s 项。") % {"n": done.value})
    return redirect("portal_office:review")
