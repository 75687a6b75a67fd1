"""What the reporting-flow views (`views_flow`, `views_claims`) share: where to go back to after an
action, a form's first error, a posted reason and the units a user reports for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from luoshi.org.access import context_for

from .forms_flow import ReasonForm


def back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to a safe `next` (the page the form was on) or to the queue page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default
    return HttpResponseRedirect(target)


def first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("输入有误。")


def posted_reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


def my_units(user: Any) -> frozenset[int]:
    """Units the user reports for: as a reporter (填报员) or as the unit head."""
    ctx = context_for(user)
    return ctx.reporter_unit_ids | ctx.head_unit_ids
