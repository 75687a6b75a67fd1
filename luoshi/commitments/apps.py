from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "luoshi.commitments"
    verbose_name = _("承诺事项")
