from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "luoshi.portal"
    verbose_name = _("政务公开")

    def ready(self) -> None:
        """Collect the public tasks' and projects' changes daily, after the lights are refreshed."""
        from luoshi.jobs import periodic

        from . import services

        periodic.register("portal.sync", order=300, run=services.sync_step)
