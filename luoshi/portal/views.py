"""The public portal (政务公开), no login: home, a unit's page, the 三单 catalogues, search and an
item's page with citizens' feedback. Every page reads published snapshots only (`selectors`), and
the pages without a form are cached until the next review (`cache.cached_page`)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luoshi.commitments.models import CatalogueKind, ComplianceState
from luoshi.lib import ratelimit
from luoshi.org.models import Unit
from luoshi.web.errors import form_submit
from luoshi.work.models import Light

from . import selectors, services
from .cache import cached_page
from .forms import FeedbackForm
from .models import Kind

# Units shown on the home page (a province has thousands: the rest are on the units' page).
HOME_UNITS = 60
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


APPEAL_FORM = "/public/appeals/new/"


def appeal_url() -> str:
    """The appeals app's public form (served at `APPEAL_FORM`), or "" while no view answers there:
    resolved by path, whatever the other app names its URL."""
    try:
        resolve(APPEAL_FORM)
    except Resolver404:
        return ""
    return APPEAL_FORM


def _labels() -> dict[str, Any]:
    return {
        "lights": dict(Light.choices),
        "compliance_states": dict(ComplianceState.choices),
        "catalogue_kinds": dict(CatalogueKind.choices),
        "kinds": dict(Kind.choices),
        "appeal_url": appeal_url(),
    }


def _map_json(projects: list[dict[str, Any]]) -> str | None:
    """The key projects' map data (the `projects` app's boundary and drawing), or None when no
    published project has a position."""
    from luoshi.projects.models import Stage
    from luoshi.projects.selectors import current_boundary, map_json

    marker = 987654321
    prefix, suffix = reverse("portal:item", args=[marker]).split(str(marker))
    points = [
        {
            "id": p["pk"],
            "name": p["data"].get("name", ""),
            "value": [float(p["data"]["lng"]), float(p["data"]["lat"])],
            "stage": p["data"].get("stage", ""),
            "light": p["status"],
            "url": f"{prefix}{p['pk']}{suffix}",
        }
        for p in projects
        if p["data"].get("lat") and p["data"].get("lng")
    ]
    if not points:
        return None
    loaded = current_boundary()
    data = {
        "boundary": loaded.geojson if loaded else None,
        "points": points,
        "color_by": "light",
        "stages": [{"value": v, "label": str(label)} for v, label in Stage.choices],
        "lights": [{"value": v, "label": str(label)} for v, label in Light.choices],
    }
    if loaded is not None:
        return map_json(data, loaded)
    # escaped as json_script does, so it is safe inside the page's script element
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES))


def home(request: HttpRequest) -> HttpResponse:
    """Commitments' compliance per unit, public tasks and key projects with their lights, the map,
    rectification results, and the way to the catalogues and search."""

    def build() -> HttpResponse:
        data = selectors.home()
        units = data.pop("units")
        context = {
            **data,
            **_labels(),
            "units": units[:HOME_UNITS],
            "unit_count": len(units),
            "map_json": _map_json(data["projects"]),
        }
        return render(request, "portal/home.html", context)

    return cached_page(request, build)


def units(request: HttpRequest) -> HttpResponse:
    """Every unit with published commitments and its rate kept."""

    def build() -> HttpResponse:
        return render(request, "portal/units.html", {"units": selectors.unit_compliance(), **_labels()})

    return cached_page(request, build)


def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's public page: its commitments with compliance per period, its public tasks and key
    projects, and its catalogues."""

    def build() -> HttpResponse:
        row = Unit.objects.filter(pk=unit_id).values("pk", "name").first()
        items = selectors.unit_items(unit_id)
        if row is None or not any(items.values()):
            raise Http404
        context = {
            "unit": row,
            **items,
            "rate": selectors.unit_rate(items["commitment"]),
            **_labels(),
        }
        return render(request, "portal/unit.html", context)

    return cached_page(request, build)


def catalogues(request: HttpRequest) -> HttpResponse:
    """The units that publish 三单 catalogues."""

    def build() -> HttpResponse:
        return render(request, "portal/catalogues.html", {"units": selectors.catalogue_units(), **_labels()})

    return cached_page(request, build)


def search(request: HttpRequest) -> HttpResponse:
    """Published items holding every word typed (Chinese, pinyin or initials)."""
    q = request.GET.get("q", "").strip()[:60]

    def build() -> HttpResponse:
        return render(request, "portal/search.html", {"q": q, "rows": selectors.search(q), **_labels()})

    return cached_page(request, build)


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One published item as last reviewed, its approved feedback with replies, and the form to
    leave feedback (held for moderation)."""
    row = selectors.item(pk)
    if row is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            address = ratelimit.sender_address(request)
            done = form_submit(
                form,
                services.feedback_submit,
                publication_id=pk,
                body=form.cleaned_data["body"],
                contact=form.cleaned_data["contact"],
                address=address,
            )
            if done.saved:
                messages.success(request, _("留言已收到，经审核后与答复一并公开。"))
                return redirect(reverse("portal:item", args=[pk]) + "#feedback")
        status = 400
        form.refresh_challenge()
    else:
        form = FeedbackForm()
    context = {"item": row, "data": row["data"], "form": form, **_labels()}
    return render(request, "portal/item.html", context, status=status)


def language(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language by a plain link (the cached pages carry no form token): sets
    the language cookie and goes back to the page the link was on."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    code = request.GET.get("lang", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("portal:home")
    response = redirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
        )
    return response
