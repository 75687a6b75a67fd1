"""Chinese pages show no untranslated English; the English page shows English navigation."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from luoshi.work.models import Notification
from tests.test_views import PERSONAS, World, client_for

# Words allowed on a Chinese page: product and technology names, file types, the English switch.
ALLOWED = {"luoshi", "api", "excel", "pdf", "xlsx", "htmx", "echarts", "english"}
WORD = re.compile(r"[A-Za-z]{2,}")
VISIBLE_ATTRS = {"title", "placeholder", "aria-label", "alt"}


class TextExtractor(HTMLParser):
    """Collects the text a reader sees: text nodes (not script/style) and a few visible attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRS and value:
                self.parts.append(value)
            if (
                tag == "input"
                and name == "value"
                and value
                and dict(attrs).get("type") in ("submit", "button")
            ):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = TextExtractor()
    parser.feed(html)
    return " ".join(parser.parts)


def english_words(html: str) -> set[str]:
    text = visible_text(html)
    text = re.sub(r"\b[A-Za-z]\w*\.(pdf|xlsx|docx|jpg|png)\b", "", text)  # file names
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def test_extractor_catches_english_and_skips_scripts() -> None:
    html = '<p>任务 Tasks</p><script>var x = "Hello";</script><input placeholder="Search"><style>a{}</style>'
    assert english_words(html) == {"Tasks", "Search"}
    assert english_words("<p>落实 Luoshi 导出 Excel 2024-05-31 45%</p>") == set()


def _pages(w: World) -> list[str]:
    return [
        "/login/",
        "/work/plans/",
        f"/work/plans/{w.plan_a.pk}/",
        f"/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}",
        f"/work/plans/{w.plan_b.pk}/",
        "/work/tasks/",
        "/work/tasks/?light=not_started&status=in_progress&sort=-due&q=xiangmu",
        "/work/tasks/?plan=abc",
        f"/work/tasks/{w.parent.pk}/",
        f"/work/tasks/{w.child.pk}/",
        f"/work/tasks/{w.child2.pk}/",
        f"/work/tasks/{w.task_b.pk}/",
        "/notifications/",
        "/audit/",
        "/audit/?action=work.task.created",
        "/work/no-such-page/",
    ]


@pytest.mark.parametrize("who", PERSONAS)
def test_chinese_pages_have_no_english(p: Any, who: str) -> None:
    w = World(p)
    user = getattr(p, who)
    if user is not None:
        Notification.objects.create(user=user, task=w.child, text="任务亮灯变为黄灯")
    c = client_for(p, who)
    checked = 0
    for url in _pages(w):
        resp = c.get(url)
        if resp.status_code in (301, 302):
            continue
        assert resp.status_code in (200, 403, 404), (url, resp.status_code)
        html = resp.content.decode()
        assert '<html lang="zh-hans">' in html, url
        words = english_words(html)
        assert not words, (who, url, sorted(words))
        checked += 1
    assert checked >= (2 if who == "anonymous" else 10)
    if user is not None:
        part = c.get("/work/tasks/", HTTP_HX_REQUEST="true").content.decode()
        assert not english_words(part)
        node = c.get(f"/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}", HTTP_HX_REQUEST="true")
        if node.status_code == 200:
            assert not english_words(node.content.decode())


def test_english_page_shows_english_nav(p: Any) -> None:
    c = client_for(p, "head_a")
    c.cookies["django_language"] = "en"
    html = c.get("/work/tasks/").content.decode()
    assert '<html lang="en">' in html
    nav = html.split('<nav class="nav">', 1)[1].split("</nav>", 1)[0]
    for word in ("To report", "Approvals", "Tasks", "Plans", "Notifications", "Sign out", "简体中文"):
        assert word in nav, word
    for zh in ("本期待填报", "审核", "计划", "退出"):
        assert zh not in nav, zh
    assert "Export ledger" in html and "On track" in html


def test_language_switch_sets_cookie(p: Any) -> None:
    c = client_for(p, "reporter_a")
    resp = c.post("/i18n/setlang/", {"language": "en", "next": "/work/tasks/"})
    assert resp.status_code == 302 and resp["Location"] == "/work/tasks/"
    assert "Tasks" in c.get("/work/tasks/").content.decode()
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/work/tasks/"})
    assert "任务" in c.get("/work/tasks/").content.decode()


def test_login_page_in_english(p: Any) -> None:
    c = Client()
    c.cookies["django_language"] = "en"
    html = c.get("/login/").content.decode()
    assert "Sign in to Luoshi" in html and "Password" in html


def test_chinese_first_middleware_ignores_browser_language(p: Any, settings: Any) -> None:
    """With luoshi.web.middleware.ChineseFirstLocaleMiddleware, an English browser still gets Chinese."""
    settings.MIDDLEWARE = [
        "luoshi.web.middleware.ChineseFirstLocaleMiddleware"
        if m == "django.middleware.locale.LocaleMiddleware"
        else m
        for m in settings.MIDDLEWARE
    ]
    c = client_for(p, "reporter_a")
    html = c.get("/work/tasks/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "本期待填报" in html
    c.cookies["django_language"] = "en"
    html = c.get("/work/tasks/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html and "To report" in html
    c.cookies["django_language"] = "xx"
    assert '<html lang="zh-hans">' in c.get("/work/tasks/").content.decode()
