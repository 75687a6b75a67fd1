from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "luoshi.meetings"
    verbose_name = _("调度会")

    def ready(self) -> None:
        """Register the task agenda source and the step that sends agendas and closes rolls."""
        from luoshi.jobs import periodic

        from . import agenda, assessment_events, services

        agenda.register("tasks", agenda.task_candidates)
        periodic.register("meetings.agendas", order=200, run=services.meetings_step)
        assessment_events.register()
