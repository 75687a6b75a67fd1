from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    verbose_name = _("督查督办")

    def ready(self) -> None:
        """Register the daily escalation and notice-reminder steps and the bulletin's 通报 section; tell units of notices."""
        from luoshi.documents import bulletin
        from luoshi.jobs import periodic

        from . import assessment_events, receivers, reminders, selectors, services

        receivers.connect()

        periodic.register("supervision.escalations", order=150, run=services.escalations_step)
        # Before `notify.outbox` (900), which delivers what it queued.
        periodic.register("supervision.notice_reminders", order=860, run=reminders.notice_due_plan)
        bulletin.register_section("supervision", selectors.bulletin_section)
        assessment_events.register()
