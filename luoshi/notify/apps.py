from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        """Subscribe to the task engine's domain signals and register the outbox's daily step."""
        from . import receivers

        receivers.connect()
