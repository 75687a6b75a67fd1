from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "luoshi.enterprises"
    verbose_name = _("企业服务")

    def ready(self) -> None:
        """Register the daily step that asks service teams to visit watched enterprises (before
        `notify.outbox`, which delivers what it queues)."""
        from luoshi.jobs import periodic

        from . import reminders

        periodic.register("enterprises.visit_due", order=330, run=reminders.visit_due_step)
