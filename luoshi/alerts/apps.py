from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "luoshi.alerts"
    verbose_name = _("预警与填报质量")

    def ready(self) -> None:
        """Register the daily steps. The levels count the reminders received (`slips.reminders`), so
        they run after the steps that queue them — `notify.reminders` (850) and
        `supervision.notice_reminders` (860) — and a day's level counts that day's reminders (at 170
        they counted only from the next day). No step before 870 reads a level or a flag (portal.sync,
        the agendas and assessment's event sources read none), so nothing waits on them; the flags
        follow the levels, and `notify.outbox` (900) still sends after both."""
        from luoshi.jobs import periodic

        from . import services

        periodic.register("alerts.levels", order=870, run=services.warnings_step)
        periodic.register("alerts.flags", order=875, run=services.flags_step)
