"""Sign-in in steps (password, then the second factor or its enrolment), and the account pages.

Django's `login()` runs only once every required factor has passed, so a leader who knows the
password but has no code is never signed in; until then the session holds only who is pending.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from luoshi.errors import InvalidField
from luoshi.org.access import require_security_admin

from . import selectors, services, throttle
from .forms import PasswordChangeForm, SignInForm, TokenForm

PENDING = "luoshi.pending"
PENDING_SECONDS = 300
PAGE_SIZE = 50


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """axes' answer to a locked-out request: the sign-in page already says so, else a plain 429."""
    if original_response is not None:
        return original_response
    return HttpResponse(_("登录失败次数过多，账号已临时锁定。"), status=429)


def _lock_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，账号已锁定 %(m)d 分钟；如需提前解锁请联系安全管理员。") % {"m": minutes}


def _next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The user who passed the password step within PENDING_SECONDS, with the step's data."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("t", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=data["uid"], is_active=True).first()
    if user is None:
        return None
    return user, data


def _complete(request: HttpRequest, user: Any, backend: str, next_url: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    login(request, user, backend=backend)
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1 (登录): the password, refused for a locked account or an address with too many failures."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next(request, next_url))
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle.address_blocked(throttle.axes_client_ip(request)):
            error, status = _("此地址登录失败次数过多，请稍后再试。"), 429
        else:
            user = authenticate(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if getattr(request, "axes_locked_out", False):
                error, status = _lock_message(), 429
            elif user is None:
                error = _("用户名或密码不正确。")
            else:
                return _after_password(request, user, _next(request, next_url))
    elif request.method == "POST":
        error = _("请输入用户名和密码。")
    return render(request, "web/login.html", {"form": form, "error": error, "next": next_url}, status=status)


def _after_password(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    backend = str(getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"))
    if services.has_second_factor(user):
        step = "verify"
    elif services.second_factor_required(user) and not settings.LUOSHI_2FA_RELAXED:
        step = "enrol"
    else:
        return _complete(request, user, backend, next_url)
    request.session.cycle_key()
    request.session[PENDING] = {
        "uid": user.pk,
        "backend": backend,
        "next": next_url,
        "t": time.time(),
        "step": step,
    }
    return redirect("identity:verify" if step == "verify" else "identity:enrol")


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2 (动态口令): a code from the authenticator app, or one recovery code."""
    pending = _pending(request)
    if pending is None or pending[1].get("step") != "verify":
        return redirect("login")
    user, data = pending
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if throttle.locked_usernames([user.username]):
            request.session.pop(PENDING, None)
            messages.error(request, _lock_message())
            return redirect("login")
        if services.second_factor_verify(user=user, token=form.cleaned_data["token"]):
            return _complete(request, user, data["backend"], data["next"])
        # A wrong code is a failed sign-in: axes counts it towards the lockout, the audit trail records it.
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            messages.error(request, _lock_message())
            return redirect("login")
        error = _("验证码不正确。")
    return render(request, "identity/verify.html", {"form": form, "error": error})


def _qr(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _manual_key(key: str) -> str:
    b32 = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def _enrolment(request: HttpRequest, user: Any, holder: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The key being enrolled (kept in `holder`, a session dict) and the page's QR code and manual key."""
    key = holder.get("key") or services.totp_new_key()
    holder["key"] = key
    return key, {"qr": _qr(services.totp_config_url(user=user, key=key)), "manual_key": _manual_key(key)}


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Step 2 for an account that needs a second factor and has none yet: bind an authenticator app."""
    pending = _pending(request)
    if pending is None or pending[1].get("step") != "enrol":
        return redirect("login")
    user, data = pending
    key, shown = _enrolment(request, user, data)
    request.session[PENDING] = data
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol(user=user, key=key, token=form.cleaned_data["token"])
        except InvalidField as exc:
            error = exc.message
        else:
            _complete(request, user, data["backend"], data["next"])
            return render(request, "identity/recovery_codes.html", {"codes": codes, "next": data["next"]})
    return render(request, "identity/enrol.html", {"form": form, "error": error, **shown, "signing_in": True})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """My account (账号安全): password age, second factor, recovery codes."""
    user = request.user
    context = {
        "has_totp": services.has_second_factor(user),
        "required": services.second_factor_required(user),
        "recovery_left": selectors.recovery_codes_left(user),
        "credential": selectors.credential(user),
    }
    return render(request, "identity/account.html", context)


@login_required
@never_cache
def account_enrol(request: HttpRequest) -> HttpResponse:
    """Bind (or re-bind, after a new phone) the authenticator app while signed in."""
    user = request.user
    holder = request.session.get("luoshi.enrol") or {}
    key, shown = _enrolment(request, user, holder)
    request.session["luoshi.enrol"] = holder
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol(user=user, key=key, token=form.cleaned_data["token"])
        except InvalidField as exc:
            error = exc.message
        else:
            request.session.pop("luoshi.enrol", None)
            return render(
                request, "identity/recovery_codes.html", {"codes": codes, "next": reverse("identity:account")}
            )
    return render(
        request, "identity/enrol.html", {"form": form, "error": error, **shown, "signing_in": False}
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the earlier ones stop working."""
    codes = services.recovery_codes_generate(user=request.user)
    return render(
        request, "identity/recovery_codes.html", {"codes": codes, "next": reverse("identity:account")}
    )


@sensitive_post_parameters("old_password", "new_password", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (修改口令); required before anything else after a reset or when too old."""
    form = PasswordChangeForm(request.POST or None)
    state = request.session.get(services.SESSION_STATE) or {}
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except InvalidField as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            request.session[services.SESSION_STATE] = {**state, "change": False}
            messages.success(request, _("口令已修改。"))
            return redirect("home")
    help_texts = _password_help()
    return render(
        request,
        "identity/password_change.html",
        {"form": form, "forced": bool(state.get("change")), "help_texts": help_texts},
    )


def _password_help() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return [str(t) for t in password_validators_help_texts()]


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The security admin's accounts page (账号安全管理): lockouts, second factors, password resets."""
    require_security_admin(request.user)
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.accounts(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.annotate_accounts(list(page.object_list))
    template = "identity/_accounts.html" if request.headers.get("HX-Request") else "identity/security.html"
    return render(request, template, {"page": page, "q": q})


@login_required
@require_POST
def security_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    """Unlock, reset the password or reset the second factor of one account."""
    require_security_admin(request.user)
    user = get_object_or_404(get_user_model(), pk=user_id)
    if action == "unlock":
        services.account_unlock(actor=request.user, user=user)
        messages.success(request, _("已解除 %(u)s 的锁定。") % {"u": user.username})
    elif action == "reset_totp":
        services.second_factor_reset(actor=request.user, user=user)
        messages.success(request, _("已重置 %(u)s 的动态口令，其下次登录时重新绑定。") % {"u": user.username})
    elif action == "reset_password":
        password = services.password_reset(actor=request.user, user=user)
        return render(request, "identity/temporary_password.html", {"account": user, "password": password})
    else:
        return HttpResponse(status=404)
    return redirect("identity:security")
