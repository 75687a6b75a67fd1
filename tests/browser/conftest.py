"""Real headless Chromium (Playwright, sync API) against pytest-django's live server.

Reusable by every browser test in this directory:
- `browser`: one Chromium for the whole session (launching is the slow part);
- `page`: a fresh context and page per test that records console errors and page errors on
  every page visited and fails the test if there were any; a screenshot of the last page is
  written to test-artifacts/screenshots/ when the test ends;
- `login(page, username)`: signs the page's context in as that user (session cookie, no
  typing); `login(page, username, via_form=True)` goes through the login page instead;
- `live_url`: the live server's base URL (with a transactional database);
- `shot(page, name)`: save a named screenshot.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (building data, checking results) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("LUOSHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A wait that is not met in this long fails the test. Generous: on CI's two cores the other worker may
# be loading a demo district while this one's live server renders its first page (a 10 s limit timed
# out there on a page that takes under a second alone).
TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this directory is a browser test (`-m "not browser"` skips them all)."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 costs about a second per persona on a shared runner; these tests check pages, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (run `make system-deps`)"
        if os.environ.get("LUOSHI_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(message)  # `make test` installs it: a missing browser is a broken setup, not a skip
        pytest.skip(message)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_url(live_server: Any, transactional_db: None) -> str:
    return str(live_server.url)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        path = SCREENSHOTS / f"{_slug(request.node.name)}--{_slug(name)}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightTimeout:
            # A screenshot is a record for people, not a check: once on a starved machine (a
            # benchmark beside the suite) Chromium did not capture a chart page within the timeout,
            # after every assertion of the test had passed. Noted; the assertions decide.
            warnings.warn(f"screenshot {path.name} not taken in time", stacklevel=2)
        return path

    return take


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_url: str) -> Iterator[Any]:
    """A page in a phone-sized context, for the phone tests (390×844) whose console errors fail the test."""
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None
    )
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, errors


@pytest.fixture
def page(browser: Any, live_url: str, request: pytest.FixtureRequest, shot: Any) -> Iterator[Any]:
    """A page whose console errors (and uncaught page errors) fail the test."""
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        # Chromium asks for /favicon.ico by itself; its 404 is not an error of the page.
        if msg.type == "error" and not (msg.location or {}).get("url", "").endswith("/favicon.ico"):
            errors.append(
                f"console.{msg.type} on {pg.url}: {msg.text} ({(msg.location or {}).get('url', '')})"
            )

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: errors.append(f"page error on {pg.url}: {exc}"))
    pg.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield pg
        if pg.url and pg.url != "about:blank":
            shot(pg, "last")
    finally:
        context.close()
    if errors:
        pytest.fail("console errors in the browser:\n" + "\n".join(errors), pytrace=False)


def totp_now(key_text: str) -> str:
    """The current code of a TOTP secret as the enrolment page shows it (base32 in groups of four)."""
    import base64

    from django_otp.oath import TOTP

    b32 = key_text.replace(" ", "")
    key = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    return f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"


def device_code(device: Any) -> str:
    """A code the device accepts now: the current step's, or the next one's (within the tolerance of
    one step) when the current one was already used, as by an enrolment a moment ago."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = time.time() + device.step
    return f"{totp.token():06d}"


def second_factor(pg: Any, username: str) -> None:
    """Pass the second step of signing in, as a person with the authenticator app would: enrol when
    asked to (reading the key off the page), or type the current code of the enrolled device."""
    if "/account/enrol/" in pg.url:
        code = totp_now(pg.inner_text("#totp-key"))
        pg.fill("#id_token", code)
        with pg.expect_navigation():
            pg.click("main form button[type=submit]")
        assert pg.locator("#recovery-codes").count() == 1, pg.inner_text("main")
        with pg.expect_navigation():
            pg.click("#codes-done")
    elif "/account/verify/" in pg.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        pg.fill("#id_token", device_code(device))
        with pg.expect_navigation():
            pg.click("main form button[type=submit]")
    assert "/account/" not in pg.url or "/account/password/" in pg.url, pg.inner_text("main")


@pytest.fixture
def login(live_url: str) -> Callable[..., None]:
    """Sign a page in as `username`: by session cookie (fast, no typing) or through the login form."""

    def sign_in(pg: Any, username: str, *, via_form: bool = False, password: str | None = None) -> None:
        if via_form:
            pg.goto("/login/")
            pg.fill("#id_username", username)
            pg.fill("#id_password", password or f"pass-{username}")
            with pg.expect_navigation():
                pg.click("main form button[type=submit]")
            assert "/login/" not in pg.url, f"login as {username} failed: {pg.url} " + pg.inner_text("main")
            second_factor(pg, username)
            return
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        pg.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_url}])

    return sign_in
