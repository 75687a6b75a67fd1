"""The notify app's page action: a user chooses how they hear of followed tasks' light changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.web.errors import form_submit
from luoshi.web.htmx import is_htmx

from .forms import PreferenceForm
from .services import preference_set


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
        status = 200 if saved else 400
        return render(
            request, "notify/_preference.html", {"preference_form": form, "saved": saved}, status=status
        )
    if saved:
        messages.success(request, _("通知方式已保存。"))
    else:
        messages.error(request, _("请选择通知方式。"))
    return redirect("notifications")
