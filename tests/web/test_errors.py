"""The shared errors (luoshi/errors.py) and their one mapping per surface: the API's exception
handler, the pages' helpers and middleware (luoshi/web/errors.py), HTMX fragments."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory

from luoshi.api.api import refused as api_refused
from luoshi.errors import Conflict, ImplausibleReport, InvalidField, LuoshiError, NotAllowed, NotFound
from luoshi.web.errors import UNSAVED, ErrorMiddleware, attempt, form_submit, raise_for, to_form, to_messages
from luoshi.web.htmx import is_htmx
from luoshi.work import services as work_services

API = "/api/v1"

# class, API status, extra body keys beyond "detail"
CASES = [
    (LuoshiError("拒绝"), 400, {}),
    (NotAllowed("无权"), 403, {}),
    (NotFound("没有"), 404, {}),
    (Conflict("已被修改"), 409, {}),
    (InvalidField("日期有误", field="period_end"), 400, {"field": "period_end"}),
    (
        ImplausibleReport("请确认", field="value", warnings=["drop"], previous=Decimal("12.5")),
        400,
        {"field": "value", "warnings": ["drop"], "previous": 12.5},
    ),
]


def _request(path: str = "/x/", *, htmx: bool = False, method: str = "post", **extra: str) -> object:
    rf = RequestFactory()
    headers = {"HX-Request": "true"} if htmx else {}
    req = getattr(rf, method)(path, headers=headers, **extra)
    req.session = SessionStore()
    req._messages = FallbackStorage(req)
    return req


# ---------------------------------------------------------------------------------------------
# The classes


def test_work_and_org_names_are_the_shared_classes():
    """The task engine names no errors of its own: its services raise the shared classes."""
    for name in ("ServiceError", "PermissionDenied", "Conflict", "InvalidField", "ImplausibleReport"):
        assert not hasattr(work_services, name), name
    assert not issubclass(NotAllowed, DjangoPermissionDenied)
    for cls in (NotAllowed, NotFound, Conflict, InvalidField, ImplausibleReport):
        assert issubclass(cls, LuoshiError)


def test_code_goes_into_the_body_only_when_given():
    assert LuoshiError("x").body() == {"detail": "x"}
    assert Conflict("x", code="task.version").body() == {"detail": "x", "code": "task.version"}


# ---------------------------------------------------------------------------------------------
# API: one handler, status and body by class


@pytest.mark.parametrize(("exc", "status", "extra"), CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_api_maps_each_class(exc, status, extra):
    resp = api_refused(RequestFactory().get(API + "/tasks"), exc)
    assert resp.status_code == status
    assert json.loads(resp.content) == {"detail": exc.message, **extra}


@pytest.mark.django_db
def test_api_read_only_is_403_hidden_is_404(p):
    plan = p.plan()
    task_a = p.task(plan, unit=p.unit_a)
    url, body = f"{API}/tasks/{task_a.pk}", {"title": "新", "version": task_a.version}
    c = Client()
    c.force_login(p.reporter_a)
    resp = c.patch(url, data=body, content_type="application/json")
    assert resp.status_code == 403 and resp.json() == {"detail": "您可以查看该任务，但不能修改。"}
    c.force_login(p.reporter_b)
    assert c.patch(url, data=body, content_type="application/json").status_code == 404
    c.force_login(p.officer)
    stale = body | {"version": task_a.version + 5}
    resp = c.patch(url, data=stale, content_type="application/json")
    assert resp.status_code == 409 and set(resp.json()) == {"detail"}


# ---------------------------------------------------------------------------------------------
# Pages: helpers and middleware


def test_raise_for_turns_rights_and_records_into_403_and_404():
    with pytest.raises(DjangoPermissionDenied):
        raise_for(NotAllowed("无权"))
    with pytest.raises(Http404):
        raise_for(NotFound("没有"))
    raise_for(Conflict("已被修改"))  # the caller shows it
    raise_for(LuoshiError("拒绝"))


def test_to_form_puts_the_message_above_the_form():
    from django import forms

    form = forms.Form(data={})
    form.is_valid()
    to_form(form, Conflict("已被他人修改"))
    assert form.non_field_errors() == ["已被他人修改"]
    with pytest.raises(DjangoPermissionDenied):
        to_form(form, NotAllowed("无权"))


def test_to_messages_prefixes_the_record():
    req = _request()
    to_messages(req, LuoshiError("日期有误"), prefix="节点一")
    assert [str(m) for m in get_messages(req)] == ["节点一：日期有误"]


def test_attempt_gives_value_or_message():
    assert attempt(lambda **kw: kw["x"] * 2, x=21).value == 42
    outcome = attempt(lambda: (_ for _ in ()).throw(LuoshiError("拒绝")))
    assert outcome.value is None and outcome.error == "拒绝"
    with pytest.raises(DjangoPermissionDenied):
        attempt(lambda: (_ for _ in ()).throw(NotAllowed("无权")))


def _refuse(exc: LuoshiError) -> Callable[..., object]:
    def action(**kwargs: object) -> object:
        raise exc

    return action


def test_form_submit_saves_or_reports_a_conflict_or_shows_the_refusal():
    """The pages' one way to save a form through a service: value, 409 with the message, or the form."""
    from django import forms

    done = form_submit(None, lambda **kw: kw["x"] * 2, x=21)
    assert done.saved and done.value == 42 and done.conflict == "" and done.status == 200
    assert not UNSAVED.saved and UNSAVED.status == 200 and UNSAVED.conflict == ""

    form = forms.Form(data={})
    form.is_valid()
    done = form_submit(form, _refuse(Conflict("已被他人修改")), x=1)
    assert (done.saved, done.conflict, done.status) == (False, "已被他人修改", 409)
    assert form.non_field_errors() == []  # the page shows the stored values with the conflict instead

    done = form_submit(form, _refuse(LuoshiError("日期有误")))
    assert (done.saved, done.conflict, done.status) == (False, "", 200)
    assert form.non_field_errors() == ["日期有误"]

    # Where the page has no stale copy to reload, a conflict is shown like any other refusal.
    form = forms.Form(data={})
    form.is_valid()
    done = form_submit(form, _refuse(Conflict("已结束")), reload_on_conflict=False)
    assert (done.saved, done.conflict, done.status) == (False, "", 200)
    assert form.non_field_errors() == ["已结束"]

    req = _request()
    done = form_submit(req, _refuse(LuoshiError("拒绝")))
    assert not done.saved and [str(m) for m in get_messages(req)] == ["拒绝"]

    with pytest.raises(DjangoPermissionDenied):
        form_submit(form, _refuse(NotAllowed("无权")))
    with pytest.raises(Http404):
        form_submit(req, _refuse(NotFound("没有")))


def test_refuse_unknown_fields_names_them():
    from luoshi.errors import refuse_unknown_fields

    refuse_unknown_fields({"title": 1}, ("title", "due"))
    with pytest.raises(LuoshiError, match="code, zzz"):
        refuse_unknown_fields({"zzz": 1, "title": 2, "code": 3}, ("title",))


def _middleware_answer(exc: LuoshiError, **kw: object) -> HttpResponse:
    req = _request(**kw)  # type: ignore[arg-type]
    mw = ErrorMiddleware(lambda r: HttpResponse())
    resp = mw.process_exception(req, exc)  # type: ignore[arg-type]
    assert resp is not None
    resp.request = req  # type: ignore[attr-defined]
    return resp


@pytest.mark.django_db
def test_middleware_pages():
    assert _middleware_answer(NotAllowed("无权")).status_code == 403
    assert _middleware_answer(NotFound("没有")).status_code == 404
    # Another refusal goes back where the form came from, with the message.
    resp = _middleware_answer(Conflict("已被他人修改"), HTTP_REFERER="/work/review/")
    assert resp.status_code == 302 and resp["Location"] == "/work/review/"
    assert [str(m) for m in get_messages(resp.request)] == ["已被他人修改"]  # type: ignore[attr-defined]
    # A referrer on another site is never followed.
    resp = _middleware_answer(LuoshiError("拒绝"), HTTP_REFERER="https://evil.example/")
    assert resp["Location"] == "/"
    assert ErrorMiddleware(lambda r: HttpResponse()).process_exception(_request(), ValueError()) is None


@pytest.mark.django_db
def test_middleware_htmx_fragment():
    resp = _middleware_answer(Conflict("该申请已被处理。"), htmx=True)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "该申请已被处理。" in body and "<html" not in body
    # Focus goes to the message, which the live region says too.
    said = json.loads(resp["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said["message"] == "该申请已被处理。" and f'id="{said["focus"][1:]}" tabindex="-1"' in body
    # 403 stays a 403 for HTMX too.
    assert _middleware_answer(NotAllowed("无权"), htmx=True).status_code == 403


def test_is_htmx():
    rf = RequestFactory()
    assert is_htmx(rf.get("/", headers={"HX-Request": "true"}))
    assert not is_htmx(rf.get("/"))
    assert not is_htmx(rf.get("/", headers={"HX-Request": "false"}))
    # Restoring a page missing from HTMX's history cache wants the full page.
    assert not is_htmx(rf.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}))


@pytest.mark.django_db
def test_a_page_refusal_is_the_403_page(p):
    """A service's NotAllowed escaping a page view is the 403 page (views_manage, org pages)."""
    c = Client()
    c.force_login(p.reporter_a)
    assert c.get("/work/manage/plans/new/").status_code == 403
    assert c.get("/org/units/").status_code == 403


@pytest.mark.django_db
def test_an_htmx_partial_shows_the_refusal_in_its_row(p):
    """Approving a report twice: the second HTMX answer is the row with the service's message."""
    from datetime import date

    from luoshi.work.services import report_submit

    plan = p.plan()
    task = p.task(plan, unit=p.unit_a)
    report = report_submit(actor=p.reporter_a, task=task, percent=10, on=date(2024, 6, 1))
    c = Client()
    c.force_login(p.head_a)
    url = f"/work/approvals/{report.pk}/approve/"
    assert c.post(url, headers={"HX-Request": "true"}).status_code == 200
    resp = c.post(url, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "<html" not in body and "flow-error" in body
