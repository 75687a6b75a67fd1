"""Every link a demo persona is shown opens for them: a breadth-first walk over the small demo
district's pages as each of its logins, one page per URL shape, through the test client. The same walk
in Chromium found links that answered 403 (a unit's assessment breakdown → the ratings results, a
clerk's timeliness page → the warning board); this keeps that class of defect out."""

from __future__ import annotations

import re
from collections import deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.helpers import client_for

# The demo's logins (`luoshi demo --logins`): clerk, unit head, officer, district head, deputy head,
# and the audit and security administrators.
LOGINS = ("fgj_tb", "fgj_fz", "ducha1", "quzhang", "changwu", "audit", "secadmin")
# Not pages: static files, the API, the admin, sign-out, language switches, files to download.
SKIP = re.compile(
    r"^/(static|media|admin|api|i18n)/|/logout/|/language/|[?&](lang|format|download)=|\.(xlsx|pdf|docx|csv|ics|zip)$"
)
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
PAGES_PER_LOGIN = 120


def _shape(url: str) -> str:
    """A page's shape: its path with numbers as N, its query's names without values."""
    parts = urlsplit(url)
    query = re.sub(r"=[^&]*", "=", parts.query)
    return re.sub(r"\d+", "N", parts.path) + ("?" + query if query else "")


@pytest.mark.scenario
@pytest.mark.django_db
def test_every_link_a_demo_persona_is_shown_opens_for_them() -> None:
    call_command("demo", "--small", "--today", "2026-11-23", stdout=StringIO(), stderr=StringIO())
    users = get_user_model().objects
    broken: list[str] = []
    for username in LOGINS:
        client = client_for(users.get(username=username))
        queue: deque[tuple[str, str]] = deque([("/", "")])
        seen: set[str] = set()
        visited = 0
        while queue and visited < PAGES_PER_LOGIN:
            url, found_on = queue.popleft()
            if _shape(url) in seen:
                continue
            seen.add(_shape(url))
            response = client.get(url.replace("&amp;", "&"))
            visited += 1
            if response.status_code in (301, 302):
                location = response["Location"]
                assert "/login/" not in location, f"{username} signed out at {url}"
                queue.appendleft((location, url))
                continue
            if response.status_code != 200:
                broken.append(f"{username}: {url} answered {response.status_code} (linked from {found_on})")
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            for href in HREF.findall(response.content.decode()):
                if not SKIP.search(href.replace("&amp;", "&")):
                    queue.append((href, url))
        assert visited > 5, f"{username} reached only {visited} pages"
    assert not broken, "\n".join(broken)
