from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    verbose_name = _("考核")

    def ready(self) -> None:
        """Register the event sources assessment itself reads: work reports late or missing, tasks
        completed on time or not, measures' completion, ratings scores, the office's own records."""
        from . import events

        events.register_builtin()
