from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "luoshi.work"
    verbose_name = _("任务")

    def ready(self) -> None:
        """Register the task engine's daily step with the tick, and its own signal receivers."""
        from . import periodic, receivers

        periodic.register()
        receivers.connect()
