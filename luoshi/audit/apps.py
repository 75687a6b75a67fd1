from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _shown(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def on_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .services import record

    record(user, "audit.session.signed_in", actor=user, object_type="auth.user", object_repr=_shown(user))


def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from .services import record

    # Django has already masked the password in `credentials`; only the name tried is kept.
    username = str(credentials.get("username") or "")[:150]
    record(
        None,
        "audit.session.sign_in_failed",
        object_type="auth.user",
        object_repr=username,
        data={"username": username},
    )


def on_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .services import record

    if user is not None:
        record(
            user, "audit.session.signed_out", actor=user, object_type="auth.user", object_repr=_shown(user)
        )


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from django.contrib.auth import signals

        signals.user_logged_in.connect(on_signed_in, dispatch_uid="luoshi.audit.signed_in")
        signals.user_login_failed.connect(on_sign_in_failed, dispatch_uid="luoshi.audit.sign_in_failed")
        signals.user_logged_out.connect(on_signed_out, dispatch_uid="luoshi.audit.signed_out")
