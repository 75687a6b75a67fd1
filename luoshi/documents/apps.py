from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "luoshi.documents"
    verbose_name = _("文书与导出")
