from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "luoshi.learning"
    verbose_name = _("网络学堂")

    def ready(self) -> None:
        """Register the assessment source (courses not completed by their deadline) and the daily
        step that closes exams left open past their time limit."""
        from luoshi.jobs import periodic

        from . import assessment_events, services

        periodic.register("learning.expire", order=260, run=services.expire_step)
        assessment_events.register()
