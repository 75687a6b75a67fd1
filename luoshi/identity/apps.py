from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "luoshi.identity"
    verbose_name = _("身份鉴别")

    def ready(self) -> None:
        """Start each session's clock at sign-in, and record lockouts in the audit trail."""
        from . import receivers

        receivers.connect()
