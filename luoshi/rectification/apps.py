from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "luoshi.rectification"
    verbose_name = _("整改销号")

    def ready(self) -> None:
        """Tell the next approver of a sign-off (signal receivers)."""
        from . import receivers

        receivers.connect()
