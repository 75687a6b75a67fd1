from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "luoshi.projects"
    verbose_name = _("重点项目")

    def ready(self) -> None:
        """Raise the projects that need attention on dispatch meetings' agendas."""
        from luoshi.meetings import agenda as meetings_agenda

        from . import agenda

        meetings_agenda.register("projects", agenda.candidates, labels=agenda.LABELS)
