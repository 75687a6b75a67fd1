"""Signing in with a second factor in real Chromium: a leader enrols an authenticator app from the QR
code page, keeps the recovery codes, signs out, and signs in again with password and code; the
security admin resets a password and the holder must change it first."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.org.models import Role
from tests.browser.conftest import device_code, totp_now
from tests.browser.htmx import wait_until
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _submit(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_leader_enrols_then_signs_in_with_a_code(p, page, shot):  # type: ignore[no-untyped-def]
    page.goto("/work/dashboard/")
    assert "/login/" in page.url
    page.fill("#id_username", "leader")
    page.fill("#id_password", "pass-leader")
    _submit(page)
    assert page.url.endswith("/account/enrol/")
    # The QR code is an image the page really shows (an SVG data URI, allowed by the CSP).
    qr = page.locator("#totp-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "enrol")
    # Not signed in yet: another page sends back to the sign-in page.
    page.fill("#id_token", "000000")
    _submit(page)
    assert "验证码不正确" in page.inner_text("main")
    page.fill("#id_token", totp_now(page.inner_text("#totp-key")))
    _submit(page)
    codes = page.locator("#recovery-codes li code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.click("#codes-done")
    assert page.url.endswith("/work/dashboard/")
    assert TOTPDevice.objects.filter(user=p.leader, confirmed=True).count() == 1

    with page.expect_navigation():
        page.click("nav form[action='/logout/'] button")
    page.goto("/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "pass-leader")
    _submit(page)
    assert page.url.endswith("/account/verify/")
    page.goto("/work/dashboard/")
    assert "/login/" in page.url  # the password alone signs nobody in
    page.fill("#id_username", "leader")
    page.fill("#id_password", "pass-leader")
    _submit(page)
    page.fill("#id_token", device_code(TOTPDevice.objects.get(user=p.leader)))
    _submit(page)
    assert "/account/" not in page.url and "/login/" not in page.url
    assert "王区长" in page.inner_text("nav")


def test_reset_password_is_changed_first(p, page, login):  # type: ignore[no-untyped-def]
    make_user("secadmin", unit=p.district, role=Role.SECADMIN, name="安全员")
    login(page, "secadmin")
    page.goto("/account/security/")
    page.fill("#id_q", "甲填报员")
    wait_until(page, "document.querySelectorAll('#account-rows tbody tr').length === 1")
    with page.expect_navigation():
        page.locator(f"#account-{p.reporter_a.pk} button", has_text="重置口令").click()
    temporary = page.inner_text("#temp-password")
    page.context.clear_cookies()

    page.goto("/login/")
    page.fill("#id_username", "reporter_a")
    page.fill("#id_password", temporary)
    _submit(page)
    assert page.url.endswith("/account/password/")
    page.goto("/work/tasks/")
    assert page.url.endswith("/account/password/")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password", "password")
    page.fill("#id_new_password2", "password")
    _submit(page)
    assert page.locator(".errorlist").count() >= 1
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password", "Blue-Harbour-73")
    page.fill("#id_new_password2", "Blue-Harbour-73")
    _submit(page)
    assert "口令已修改" in page.inner_text(".messages")
    page.goto("/work/tasks/")
    assert page.url.endswith("/work/tasks/")
