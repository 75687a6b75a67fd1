from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "luoshi.appeals"
    verbose_name = _("企业诉求")

    def ready(self) -> None:
        """Register the assessment sources (verified complaints, late replies) and the daily step
        that closes replied appeals nobody rated."""
        from luoshi.jobs import periodic

        from . import assessment_events, services

        assessment_events.register()
        periodic.register("appeals.close_unrated", order=320, run=services.close_unrated_step)
