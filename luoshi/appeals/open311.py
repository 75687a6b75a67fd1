"""Open311 GeoReport v2 over enterprise appeals, in JSON and XML (the spec's two formats, chosen by
the extension): `services.{json,xml}`, `requests.{json,xml}` (GET with filters, POST form-encoded),
`requests/{id}.{json,xml}`.

The spec's field names and shapes: a list of services; a posted request answers
`[{"service_request_id", "service_notice", "account_id"}]`; a request is `service_request_id, status
(open/closed), status_notes, service_name, service_code, description, agency_responsible,
service_notice, requested_datetime, updated_datetime, expected_datetime, address, address_id,
zipcode, lat, long, media_url`; errors are `[{"code": 400, "description": "…"}]`. In XML the same
fields are elements of `<services><service>`, `<service_requests><request>` and
`<errors><error>` (an empty element for a null).

`service_request_id` is the appeal's tracking code. The key (`api_key`) is optional: a request filed
with a client's key belongs to that client, a wrong key is refused (403). Enterprises' appeals are not
public: the list answers the requests named by `service_request_id`, and with a key that client's
own requests; without either it is empty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writes documents only, never parses one
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.errors import InvalidField, LuoshiError
from luoshi.lib import ratelimit

from . import rules, services
from .models import Appeal, Channel, Kind, Open311Client, Service

LIST_LIMIT = 200


# The spec's XML documents: root element and item element per kind of answer.
SERVICES, REQUESTS, ERRORS = ("services", "service"), ("service_requests", "request"), ("errors", "error")


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(
    fmt: str, items: list[dict[str, Any]], kind: tuple[str, str], *, status: int = 200
) -> HttpResponse:
    """`items` as the spec's JSON list or XML document (`kind`: its root and item element names)."""
    if fmt != "xml":
        return JsonResponse(items, status=status, safe=False)
    root = ET.Element(kind[0])
    for item in items:
        node = ET.SubElement(root, kind[1])
        for key, value in item.items():
            ET.SubElement(node, key).text = _xml_text(value)
    body = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        status=status,
        content_type="text/xml; charset=utf-8",
    )


def error(code: int, description: str, fmt: str = "json") -> HttpResponse:
    return render(fmt, [{"code": code, "description": description}], ERRORS, status=code)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def service_out(s: Service) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "service_name": s.name,
        "description": s.description,
        "metadata": False,
        "type": "realtime",
        "keywords": s.keywords,
        "group": s.group,
    }


def request_out(a: Appeal) -> dict[str, Any]:
    open_pauses = [p.reason for p in a.pauses.all() if p.ended_at is None]
    notes = a.reply or (open_pauses[-1] if open_pauses else "")
    return {
        "service_request_id": a.tracking_code,
        "status": rules.open311_status(a.status),
        "status_notes": notes,
        "service_name": a.service.name,
        "service_code": a.service.code,
        "description": a.description,
        "agency_responsible": a.unit.name if a.unit is not None else "",
        "service_notice": _("请于%(due)s前留意答复。") % {"due": a.due_at.strftime("%Y-%m-%d %H:%M")},
        "requested_datetime": _iso(a.received_at),
        "updated_datetime": _iso(a.updated_at),
        "expected_datetime": _iso(a.due_at),
        "address": a.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(a.lat) if a.lat is not None else None,
        "long": float(a.long) if a.long is not None else None,
        "media_url": a.media_url,
    }


def _client(params: Any, fmt: str) -> tuple[Open311Client | None, HttpResponse | None]:
    key = (params.get("api_key") or "").strip()
    if not key:
        return None, None
    client = services.client_for_key(key)
    if client is None:
        return None, error(403, _("api_key 无效。"), fmt)
    return client, None


def _rows(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return qs.select_related("service", "unit").prefetch_related("pauses")


@require_GET
def services_list(request: HttpRequest, fmt: str = "json") -> HttpResponse:
    """GET services.{json,xml}: the active services."""
    return render(fmt, [service_out(s) for s in Service.objects.filter(active=True)], SERVICES)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_list(request: HttpRequest, fmt: str = "json") -> HttpResponse:
    """GET: requests by id (comma separated) or the key's own, with the spec's filters; POST: file one."""
    if request.method == "POST":
        return _post(request, fmt)
    client, refused = _client(request.GET, fmt)
    if refused:
        return refused
    q = request.GET
    ids = [i.strip().upper() for i in q.get("service_request_id", "").split(",") if i.strip()]
    if not ids and client is None:
        return render(fmt, [], REQUESTS)
    qs = Appeal.objects.all()
    cond = Q()
    if ids:
        cond |= Q(tracking_code__in=ids[:LIST_LIMIT])
    if client is not None and not ids:
        cond |= Q(client=client)
    qs = qs.filter(cond)
    if q.get("service_code"):
        qs = qs.filter(service__code__in=[c.strip() for c in q["service_code"].split(",")])
    if q.get("status"):
        wanted = {s.strip() for s in q["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            return error(400, _("status 只能是 open 或 closed。"), fmt)
        if wanted == {"open"}:
            qs = qs.filter(status__in=[s.value for s in rules.OPEN])
        elif wanted == {"closed"}:
            qs = qs.exclude(status__in=[s.value for s in rules.OPEN])
    for name, lookup in (("start_date", "received_at__gte"), ("end_date", "received_at__lte")):
        if q.get(name):
            value = parse_datetime(q[name].replace(" ", "+"))
            if value is None:
                return error(400, _("%(name)s 不是有效的时间（W3C 格式）。") % {"name": name}, fmt)
            qs = qs.filter(**{lookup: value})
    rows = _rows(qs.order_by("-received_at", "-pk"))[:LIST_LIMIT]
    return render(fmt, [request_out(a) for a in rows], REQUESTS)


@require_GET
def request_one(request: HttpRequest, code: str, fmt: str = "json") -> HttpResponse:
    """GET requests/{id}.{json,xml}: one request, as a one-item list (as the spec has it)."""
    appeal = _rows(Appeal.objects.filter(tracking_code=rules.normalize_code(code))).first()
    if appeal is None:
        return error(404, _("没有编号为 %(id)s 的诉求。") % {"id": code[:40]}, fmt)
    return render(fmt, [request_out(appeal)], REQUESTS)


def _coord(params: Any, name: str) -> Any:
    raw = params.get(name, "")
    if raw == "":
        return None
    try:
        return rules.parse_coordinate(raw, kind=name)
    except ValueError:
        raise InvalidField(
            _("%(name)s 格式有误：应为十进制度数（WGS84）。") % {"name": name}, field=name
        ) from None


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    client, refused = _client(p, fmt)
    if refused:
        return refused
    code = p.get("service_code", "").strip()
    if not code:
        return error(400, _("缺少 service_code。"), fmt)
    service = Service.objects.filter(code=code, active=True).first()
    if service is None:
        return error(400, _("未知的 service_code：%(code)s") % {"code": code[:40]}, fmt)
    try:
        lat, long = _coord(p, "lat"), _coord(p, "long")
        if (lat is None) != (long is None):
            raise InvalidField(_("lat 与 long 须同时提供。"), field="lat")
        address = p.get("address_string", "").strip()
        if lat is None and not address and not p.get("address_id", "").strip():
            raise InvalidField(
                _("须提供位置：lat/long、address_string 或 address_id。"), field="address_string"
            )
        name = " ".join(x for x in (p.get("last_name", "").strip(), p.get("first_name", "").strip()) if x)
        kind = p.get("attribute[kind]", Kind.REQUEST)
        data = services.Intake(
            service=service,
            description=p.get("description", ""),
            kind=kind if kind in Kind.values else Kind.REQUEST,
            address=address,
            lat=lat,
            long=long,
            media_url=p.get("media_url", "")[:500],
            enterprise_name=p.get("attribute[enterprise_name]", ""),
            contact_name=name,
            phone=p.get("phone", ""),
            email=p.get("email", ""),
        )
        # A registered system (api_key: a hotline, a service centre) relays many enterprises from
        # one address: only anonymous callers are limited per address.
        sender = "" if client is not None else ratelimit.sender_address(request)
        appeal = services.appeal_submit(data=data, channel=Channel.OPEN311, client=client, sender=sender)
    except LuoshiError as exc:
        return error(exc.status, exc.message, fmt)
    return render(
        fmt,
        [
            {
                "service_request_id": appeal.tracking_code,
                "service_notice": _("已受理，请于%(due)s前留意答复。")
                % {"due": appeal.due_at.strftime("%Y-%m-%d %H:%M")},
                "account_id": None,
            }
        ],
        REQUESTS,
    )
