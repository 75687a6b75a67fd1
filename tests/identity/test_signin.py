"""Sign-in controls: lockout per account and per address, the second factor, sessions, passwords."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField
from luoshi.identity import services
from luoshi.identity.models import Credential
from luoshi.identity.services import SESSION_STATE
from luoshi.org.models import Role
from tests.factories import make_user
from tests.helpers import client_for

from .helpers import code, enrol, signed_in

LOGIN = "/login/"


def _post(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# ---------------------------------------------------------------------------------------------
# Lockout


def test_account_locked_after_n_failures_even_with_the_right_password(p, settings):
    settings.AXES_FAILURE_LIMIT = 5
    c = Client()
    for i in range(4):
        r = _post(c, "reporter_a", f"wrong-{i}")
        assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    r = _post(c, "reporter_a", "wrong-5")
    assert r.status_code == 429 and "已锁定 30 分钟" in r.content.decode()
    r = _post(c, "reporter_a", "pass-reporter_a")
    assert r.status_code == 429 and not signed_in(c)
    # From another address too: the lock is on the account.
    r = _post(Client(REMOTE_ADDR="10.9.9.9"), "reporter_a", "pass-reporter_a")
    assert r.status_code == 429
    # Other accounts are not affected.
    other = Client()
    assert _post(other, "reporter_b", "pass-reporter_b").status_code == 302 and signed_in(other)
    assert Entry.objects.filter(action="identity.account.locked", data__username="reporter_a").count() == 1


def test_security_admin_unlocks_an_account(p):
    secadmin = make_user("secadmin", unit=p.district, role=Role.SECADMIN)
    for i in range(5):
        _post(Client(), "reporter_a", f"wrong-{i}")
    assert _post(Client(), "reporter_a", "pass-reporter_a").status_code == 429
    assert services.account_unlock(actor=secadmin, user=p.reporter_a) == 5
    c = Client()
    assert _post(c, "reporter_a", "pass-reporter_a").status_code == 302 and signed_in(c)
    assert Entry.objects.filter(action="identity.account.unlocked", object_id=str(p.reporter_a.pk)).exists()


def test_a_success_clears_earlier_failures(p):
    for i in range(4):
        _post(Client(), "reporter_a", f"wrong-{i}")
    assert _post(Client(), "reporter_a", "pass-reporter_a").status_code == 302
    for i in range(4):
        assert _post(Client(), "reporter_a", f"wrong-again-{i}").status_code == 200
    assert _post(Client(), "reporter_a", "pass-reporter_a").status_code == 302


def test_address_refused_after_its_limit_across_accounts(p, settings):
    settings.LUOSHI_LOGIN_ADDRESS_LIMIT = 3
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    for name in ("reporter_a", "reporter_b", "head_a"):
        assert _post(sprayer, name, "Summer2026!").status_code == 200
    r = _post(sprayer, "officer2", "pass-officer2")
    assert r.status_code == 429 and "此地址" in r.content.decode() and not signed_in(sprayer)
    # No single account reached its own limit, and another address signs in.
    c = Client(REMOTE_ADDR="198.51.100.1")
    assert _post(c, "reporter_a", "pass-reporter_a").status_code == 302


# ---------------------------------------------------------------------------------------------
# Second factor


@pytest.mark.parametrize("who", ["leader", "officer", "auditor"])
def test_cannot_sign_in_without_the_second_factor(p, who):
    c = Client()
    r = _post(c, who, f"pass-{who}")
    assert r.status_code == 302 and r["Location"] == "/account/enrol/"
    assert not signed_in(c)
    assert c.get("/work/dashboard/")["Location"].startswith(LOGIN)
    # The enrolment page shows a QR code and the key; a wrong code binds nothing and signs nobody in.
    page = c.get("/account/enrol/").content.decode()
    assert 'src="data:image/svg+xml' in page and 'id="totp-key"' in page
    r = c.post("/account/enrol/", {"token": "000000"})
    assert "验证码不正确" in r.content.decode() and not signed_in(c)


def test_leader_with_a_device_signs_in_with_password_then_code(p, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay after a wrong code (1 s, doubling)
    key, _codes = enrol(p.leader)
    c = Client()
    r = c.post(LOGIN + "?next=/work/dashboard/", {"username": "leader", "password": "pass-leader"})
    assert r["Location"] == "/account/verify/" and not signed_in(c)
    r = c.post("/account/verify/", {"token": "123456" if code(key) != "123456" else "654321"})
    assert r.status_code == 200 and "验证码不正确" in r.content.decode() and not signed_in(c)
    r = c.post("/account/verify/", {"token": code(key, steps_ahead=1)})
    assert r.status_code == 302 and r["Location"] == "/work/dashboard/" and signed_in(c)
    assert c.get("/work/dashboard/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(p, settings):
    settings.AXES_FAILURE_LIMIT = 3
    enrol(p.leader)
    c = Client()
    _post(c, "leader", "pass-leader")
    for _ in range(2):
        assert c.post("/account/verify/", {"token": "000001"}).status_code == 200
    r = c.post("/account/verify/", {"token": "000002"})
    assert r.status_code == 302 and r["Location"] == LOGIN and not signed_in(c)
    assert _post(Client(), "leader", "pass-leader").status_code == 429


def test_recovery_code_signs_in_once(p):
    _key, codes = enrol(p.officer)
    assert len(codes) == 10
    c = Client()
    _post(c, "officer", "pass-officer")
    assert c.post("/account/verify/", {"token": codes[0].upper()}).status_code == 302 and signed_in(c)
    again = Client()
    _post(again, "officer", "pass-officer")
    assert again.post("/account/verify/", {"token": codes[0]}).status_code == 200 and not signed_in(again)
    assert Entry.objects.filter(action="identity.recovery_code.used").count() == 1


def test_the_pending_step_expires(p, monkeypatch):
    key, _ = enrol(p.leader)
    c = Client()
    _post(c, "leader", "pass-leader")
    later = time.time() + 301
    monkeypatch.setattr("luoshi.identity.views.time.time", lambda: later)
    r = c.post("/account/verify/", {"token": code(key, steps_ahead=1)})
    assert r["Location"] == LOGIN and not signed_in(c)


def test_relaxed_second_factor_for_the_demo(p, settings):
    settings.LUOSHI_2FA_RELAXED = True  # only ever on with LUOSHI_DEBUG (settings.py)
    c = Client()
    assert _post(c, "leader", "pass-leader").status_code == 302 and signed_in(c)
    # An enrolled account is still asked for its code.
    enrol(p.officer)
    o = Client()
    assert _post(o, "officer", "pass-officer")["Location"] == "/account/verify/"


def test_reporters_sign_in_with_the_password(p):
    c = Client()
    r = c.post(LOGIN + "?next=/work/fill/", {"username": "reporter_a", "password": "pass-reporter_a"})
    assert r.status_code == 302 and r["Location"] == "/work/fill/" and signed_in(c)


def test_next_may_not_leave_the_site(p):
    c = Client()
    r = c.post(
        LOGIN + "?next=https://evil.example/", {"username": "reporter_a", "password": "pass-reporter_a"}
    )
    assert r["Location"] == "/"


def test_enrol_and_recovery_codes_while_signed_in(p):
    c = client_for(p.reporter_a)
    page = c.get("/account/totp/").content.decode()
    assert 'id="totp-key"' in page
    key = c.session["luoshi.enrol"]["key"]
    r = c.post("/account/totp/", {"token": code(key)})
    assert r.status_code == 200 and r.content.decode().count("<li><code>") == 10
    assert services.has_second_factor(p.reporter_a)
    r = c.post("/account/recovery-codes/")
    assert r.status_code == 200 and r.content.decode().count("<li><code>") == 10
    assert "已绑定" in c.get("/account/").content.decode()


# ---------------------------------------------------------------------------------------------
# Sessions


def _age(client: Client, *, start: float = 0, seen: float = 0) -> None:
    session = client.session
    state = dict(session[SESSION_STATE])
    state["start"] -= start
    state["seen"] -= seen
    session[SESSION_STATE] = state
    session.save()


def test_idle_timeout(p, settings):
    settings.LUOSHI_SESSION_IDLE_MINUTES = 30
    c = client_for(p.reporter_a)
    assert c.get("/work/tasks/").status_code == 200
    _age(c, start=29 * 60, seen=29 * 60)
    assert c.get("/work/tasks/").status_code == 200  # 29 idle minutes: still on, and seen again now
    assert time.time() - c.session[SESSION_STATE]["seen"] < 5
    _age(c, start=31 * 60, seen=31 * 60)
    r = c.get("/work/tasks/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN) and not signed_in(c)


def test_absolute_lifetime_however_busy(p, settings):
    settings.LUOSHI_SESSION_MAX_HOURS = 12
    c = client_for(p.reporter_a)
    _age(c, start=12 * 3600 + 1)
    r = c.get("/work/tasks/")
    assert r.status_code == 302 and not signed_in(c)


def test_api_session_times_out_too(p):
    c = client_for(p.reporter_a)
    assert c.get("/api/v1/plans").status_code == 200
    _age(c, seen=31 * 60)
    assert c.get("/api/v1/plans").status_code == 401


def test_a_busy_session_is_not_saved_on_every_request(p):
    c = client_for(p.reporter_a)
    c.get("/work/tasks/")
    seen = c.session[SESSION_STATE]["seen"]
    c.get("/work/tasks/")
    assert c.session[SESSION_STATE]["seen"] == seen


# ---------------------------------------------------------------------------------------------
# Passwords


WEAK = [
    "12345678",
    "password",
    "aaaaaaaa",
    "Short1!",
    "alllowercaseletters",
    "Reporter_a-2026",
    "Password123",
    "1234567890",
]


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passwords_refused(p, weak):
    with pytest.raises(InvalidField) as exc:
        services.password_change(user=p.reporter_a, old_password="pass-reporter_a", new_password=weak)
    assert exc.value.field == "new_password"
    p.reporter_a.refresh_from_db()
    assert p.reporter_a.check_password("pass-reporter_a")


def test_password_change_page(p):
    c = client_for(p.reporter_a)
    r = c.post(
        "/account/password/",
        {"old_password": "pass-reporter_a", "new_password": "password", "new_password2": "password"},
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    r = c.post(
        "/account/password/",
        {"old_password": "wrong", "new_password": "Blue-Harbour-73", "new_password2": "Blue-Harbour-73"},
    )
    assert "原口令不正确" in r.content.decode()
    r = c.post(
        "/account/password/",
        {
            "old_password": "pass-reporter_a",
            "new_password": "Blue-Harbour-73",
            "new_password2": "Blue-Harbour-73",
        },
    )
    assert r.status_code == 302 and signed_in(c)  # the session survives its own password change
    p.reporter_a.refresh_from_db()
    assert p.reporter_a.check_password("Blue-Harbour-73")
    assert Entry.objects.filter(action="identity.password.changed", object_id=str(p.reporter_a.pk)).exists()


def test_reset_password_must_be_changed_at_next_sign_in(p):
    secadmin = make_user("secadmin", unit=p.district, role=Role.SECADMIN)
    temporary = services.password_reset(actor=secadmin, user=p.reporter_a)
    p.reporter_a.refresh_from_db()
    assert p.reporter_a.check_password(temporary)
    c = Client()
    assert _post(c, "reporter_a", temporary).status_code == 302 and signed_in(c)
    r = c.get("/work/tasks/")
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    assert c.get("/api/v1/plans").status_code == 403
    page = c.get("/account/password/").content.decode()
    assert "请先修改口令" in page
    r = c.post(
        "/account/password/",
        {"old_password": temporary, "new_password": "Blue-Harbour-73", "new_password2": "Blue-Harbour-73"},
    )
    assert r.status_code == 302
    assert c.get("/work/tasks/").status_code == 200
    assert Credential.objects.get(user=p.reporter_a).must_change is False


def test_password_older_than_the_rotation_period_must_change(p, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LUOSHI_PASSWORD_MAX_AGE_DAYS = 90
    Credential.objects.create(user=p.reporter_a, changed=timezone.now() - timedelta(days=91))
    c = Client()
    _post(c, "reporter_a", "pass-reporter_a")
    assert c.get("/work/tasks/")["Location"] == "/account/password/"
    settings.LUOSHI_PASSWORD_MAX_AGE_DAYS = 0  # rotation off
    c = Client()
    _post(c, "reporter_a", "pass-reporter_a")
    assert c.get("/work/tasks/").status_code == 200


def test_temporary_passwords_meet_the_policy():
    from django.contrib.auth.password_validation import validate_password

    user = get_user_model()(username="someone")
    for _ in range(20):
        validate_password(services.temporary_password(), user)
