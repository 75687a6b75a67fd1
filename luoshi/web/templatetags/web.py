"""Template helpers shared by every page: the role-based nav, light badges and progress bars."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from luoshi.lib import crypto_fields
from luoshi.notify.models import Notification
from luoshi.org.access import context_for
from luoshi.org.models import ADMIN_DUTIES, Role
from luoshi.work.models import Light

register = template.Library()

# (url, label, who may see it) — `who` takes the user's UserContext.
NAV: list[tuple[str, Any, Any]] = [
    ("/work/fill/", _("本期待填报"), lambda c: bool(c.reporter_unit_ids or c.head_unit_ids)),
    ("/work/approvals/", _("审核"), lambda c: bool(c.head_unit_ids)),
    ("/work/review/", _("督查审核"), lambda c: c.is_officer),
    ("/work/tasks/", _("任务"), lambda c: True),
    ("/work/plans/", _("计划"), lambda c: True),
    ("/work/dashboard/", _("领导看板"), lambda c: c.is_leader or c.is_officer),
    ("/projects/", _("重点项目"), lambda c: True),
    ("/meetings/", _("调度会"), lambda c: True),
    (
        "/rectification/",
        _("整改销号"),
        lambda c: c.is_officer or c.is_leader or bool(c.reporter_unit_ids or c.head_unit_ids),
    ),
    ("/supervision/", _("督查督办"), lambda c: bool(c.is_officer or c.is_leader or c.unit_ids)),
    ("/appeals/", _("企业诉求"), lambda c: bool(c.is_officer or c.is_leader or c.unit_ids)),
    ("/enterprises/", _("企业服务"), lambda c: bool(c.is_officer or c.is_leader or c.unit_ids)),
    ("/ratings/", _("评议"), lambda c: c.is_officer),
    ("/assessment/", _("考核"), lambda c: c.is_officer or c.is_leader),
    ("/alerts/", _("预警"), lambda c: c.is_officer or c.is_leader),
    (
        "/alerts/timeliness/",
        _("报送及时性"),
        lambda c: not (c.is_officer or c.is_leader) and bool(c.reporter_unit_ids or c.head_unit_ids),
    ),
    ("/benchmark/", _("对标"), lambda c: c.is_officer or c.is_leader),
    (
        "/commitments/",
        _("承诺事项"),
        lambda c: bool(c.is_officer or c.is_leader or c.reporter_unit_ids or c.head_unit_ids),
    ),
    ("/learning/", _("网络学堂"), lambda c: c.person_id is not None),
    ("/learning/office/", _("学堂管理"), lambda c: c.is_officer),
    ("/portal/", _("政务公开"), lambda c: c.is_officer),
    ("/imports/", _("导入"), lambda c: c.is_officer),
    ("/notifications/outbox/", _("发送记录"), lambda c: c.is_officer),
    ("/org/units/", _("组织人员"), lambda c: c.is_officer or Role.SYSADMIN in c.roles),
    ("/account/security/", _("账号安全管理"), lambda c: c.superuser or Role.SECADMIN in c.roles),
    ("/audit/", _("审计"), lambda c: c.superuser or Role.AUDITADMIN in c.roles),
]
# The pages of the three admin duties (三权分立): an account that holds only a duty sees these and
# no business pages in its menu (what it may read of the business is what the public may read).
DUTY_PAGES = {"/org/units/", "/account/security/", "/audit/"}


def duty_only(ctx: Any) -> bool:
    """An account whose posts are all admin duties (system, security, audit), not a superuser."""
    return bool(ctx.roles) and ctx.roles <= ADMIN_DUTIES and not ctx.superuser


@register.inclusion_tag("web/_nav.html", takes_context=True)
def nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": [], "user": user, "request": request}
    ctx = context_for(user)
    path = request.path if request is not None else ""
    only_duty = duty_only(ctx)
    links = [
        {"url": url, "label": label, "active": path.startswith(url)}
        for url, label, who in NAV
        if who(ctx) and (not only_duty or url in DUTY_PAGES)
    ]
    unread = Notification.objects.filter(user=user, read=False).count()
    return {"links": links, "user": user, "request": request, "unread": unread}


LIGHT_CLASSES: dict[str, str] = {
    Light.GREEN: "light-green",
    Light.YELLOW: "light-yellow",
    Light.RED: "light-red",
    Light.OVERDUE: "light-overdue",
    Light.DONE: "light-done",
    Light.NOT_STARTED: "light-none",
}


@register.inclusion_tag("web/_light.html")
def light_badge(light: str, short: bool = False) -> dict[str, Any]:
    """A coloured badge for a light code (green, yellow, red, overdue, done, not_started); `short`
    marks a task closed below its measure's target (完成（未达标））."""
    label = Light(light).label if light in Light.values else light
    if short and light == Light.DONE:
        label = _("完成（未达标）")
    return {"light": light, "label": label, "css": LIGHT_CLASSES.get(light, "light-none")}


def _pct(value: Any) -> float:
    try:
        return max(0.0, min(100.0, float(Decimal(str(value)))))
    except (ArithmeticError, ValueError, TypeError):
        return 0.0


@register.inclusion_tag("web/_bar.html")
def progress_bar(expected: Any, actual: Any, light: str = "") -> dict[str, Any]:
    """Expected-versus-actual bar: the fill is actual, the tick marks expected (均衡进度)."""
    return {
        "expected": _pct(expected),
        "actual": _pct(actual),
        "expected_raw": expected,
        "actual_raw": actual,
        "css": LIGHT_CLASSES.get(light, "light-none"),
    }


@register.filter
def mask_phone(value: str) -> str:
    """138****1234: a phone number in a list, where the whole number is not needed."""
    return crypto_fields.mask_phone(value or "")


@register.filter
def light_css(light: str) -> str:
    return LIGHT_CLASSES.get(light, "light-none")


@register.simple_tag
def highlight(text: Any, q: str) -> Any:
    """`text` escaped with the query's terms in <mark> (`lib.search.highlight`)."""
    from luoshi.lib.search import highlight as mark

    return mark(text, q)
