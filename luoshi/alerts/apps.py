from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "luoshi.alerts"
    verbose_name = _("预警与填报质量")

    def ready(self) -> None:
        """Register the daily steps: warning levels after the lights and escalations, flags after them."""
        from luoshi.jobs import periodic

        from . import services

        periodic.register("alerts.levels", order=170, run=services.warnings_step)
        periodic.register("alerts.flags", order=175, run=services.flags_step)
