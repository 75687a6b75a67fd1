from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkConfig(AppConfig):
    name = "luoshi.benchmark"
    label = "benchmark"
    verbose_name = _("对标")
