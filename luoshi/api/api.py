"""The JSON API at /api/v1: one NinjaAPI with a Router per app, tagged per app in OpenAPI.

- `luoshi/org/api.py`: units and personal tokens (tag `org`);
- `luoshi/work/api.py`: plans, lights, rollups, tasks, reports and claims (tag `work`);
- `luoshi/documents/api.py`: published bulletins with their frozen figures (tag `documents`).

Here: authentication (token or session), the docs page, and the one mapping of errors to HTTP:
the shared errors of `luoshi.errors` by their class (NotAllowed 403, NotFound 404, Conflict 409, the
rest 400), a refused input 422. What the
routers share (error answers, pagination, look-ups) is in `common.py`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.operation import Operation

from luoshi.alerts.api import router as alerts_router
from luoshi.appeals.api import router as appeals_router
from luoshi.assessment.api import router as assessment_router
from luoshi.benchmark.api import router as benchmark_router
from luoshi.commitments.api import router as commitments_router
from luoshi.documents.api import router as documents_router
from luoshi.enterprises.api import router as enterprises_router
from luoshi.errors import LuoshiError
from luoshi.learning.api import router as learning_router
from luoshi.meetings.api import router as meetings_router
from luoshi.org.api import router as org_router
from luoshi.portal.api import router as portal_router
from luoshi.projects.api import router as projects_router
from luoshi.ratings.api import router as ratings_router
from luoshi.rectification.api import router as rectification_router
from luoshi.supervision.api import router as supervision_router
from luoshi.web.api import router as web_router
from luoshi.work.api import router as work_router

from .auth import SessionAuth, TokenAuth
from .docs import OfflineSwagger, signed_in_only


class LuoshiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`luoshi_api_api_<function>`, as when every endpoint lived in this module, so that clients
        generated from the schema keep their method names whichever app's router holds the endpoint."""
        return f"luoshi_api_api_{operation.view_func.__name__}"


api = LuoshiAPI(
    title="Luoshi API",
    version="1",
    # Lazy, so the schema is in the reader's language; ninja only ever turns it into a string.
    description=gettext_lazy(  # type: ignore[arg-type]
        "落实平台接口。认证：请求头 `Authorization: Bearer <令牌>`，或浏览器登录会话（修改类请求需 CSRF 令牌）。"
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
    docs_decorator=signed_in_only,
)
api.add_router("", org_router)
api.add_router("", work_router)
api.add_router("", documents_router)
api.add_router("", projects_router)
api.add_router("", meetings_router)
api.add_router("", rectification_router)
api.add_router("", supervision_router)
api.add_router("", alerts_router)
api.add_router("", ratings_router)
api.add_router("", assessment_router)
api.add_router("", benchmark_router)
api.add_router("", commitments_router)
api.add_router("", portal_router)
api.add_router("", appeals_router)
api.add_router("", enterprises_router)
api.add_router("", learning_router)
api.add_router("", web_router)


def _where(loc: Any) -> str:
    parts = [
        str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters", "params", "page")
    ]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a readable summary (`detail`) and every refused input (`errors`)."""
    errors = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    summary = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors[:5])
    detail = _("请求参数有误：%(errors)s") % {"errors": summary}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(LuoshiError)
def refused(request: HttpRequest, exc: LuoshiError) -> HttpResponse:
    """Every refused use case of every app (`luoshi.errors`): 403 not allowed, 404 not found, 409 a
    concurrent change, 400 the rest; the body is `{"detail": message}` with what the error adds (the
    refused `field`; a figure's `warnings` and `previous` value)."""
    return api.create_response(request, exc.body(), status=exc.status)
