from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "luoshi.ratings"
    verbose_name = _("评议")
