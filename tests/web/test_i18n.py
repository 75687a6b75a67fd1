"""Chinese pages show no untranslated English; the English page shows English navigation."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone, translation

from luoshi.imports.models import ImportBatch
from luoshi.imports.services import batch_create
from luoshi.notify.models import Notification
from luoshi.org.models import Person, Post, Unit
from luoshi.work import rules
from luoshi.work.models import Evidence, Milestone, Plan, Report, Task, Transition
from luoshi.work.services import (
    report_return,
    report_submit,
    task_confirm_completion,
    task_refresh,
)
from tests.factories import claim_task
from tests.helpers import PERSONAS, client_for
from tests.work.test_views import World

# Words allowed on a Chinese page: product and technology names, file types and encodings, the English switch.
ALLOWED = {"luoshi", "api", "excel", "pdf", "xlsx", "xls", "csv", "utf", "gbk", "htmx", "echarts", "english"}
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
        *_keeping_pages(w.plan_a, w.child),
    ]


def _keeping_pages(plan: Plan, task: Task) -> list[str]:
    """The office's pages to keep plans, tasks, units and people (403 or 404 for everyone else)."""
    unit, person = task.lead_unit, Person.objects.filter(memberships__post__unit=task.lead_unit).first()
    return [
        "/work/manage/plans/new/",
        f"/work/manage/plans/{plan.pk}/",
        f"/work/manage/plans/{plan.pk}/tasks/new/",
        f"/work/manage/tasks/{task.pk}/",
        f"/work/manage/tasks/{task.pk}/split/",
        f"/work/manage/tasks/{task.pk}/milestones/",
        f"/work/manage/tasks/{task.pk}/measure/",
        "/org/units/",
        "/org/units/new/",
        f"/org/units/{unit.pk}/",
        "/org/people/",
        "/org/people/new/",
        f"/org/people/{person.pk}/",
    ]


@pytest.mark.parametrize("who", PERSONAS)
def test_chinese_pages_have_no_english(p: Any, who: str) -> None:
    w = World(p)
    user = getattr(p, who)
    if user is not None:
        Notification.objects.create(user=user, task=w.child, text="任务亮灯变为黄灯")
    c = client_for(getattr(p, who))
    checked = 0
    codes = set(Unit.objects.values_list("code", flat=True))  # data, shown on the unit pages
    for url in _pages(w):
        resp = c.get(url)
        if resp.status_code in (301, 302):
            continue
        assert resp.status_code in (200, 403, 404), (url, resp.status_code)
        html = resp.content.decode()
        assert '<html lang="zh-hans">' in html, url
        words = english_words(html) - codes
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
    c = client_for(p.head_a)
    c.cookies["django_language"] = "en"
    html = c.get("/work/tasks/").content.decode()
    assert '<html lang="en">' in html
    nav = html.split('<nav class="nav" id="site-nav"', 1)[1].split("</nav>", 1)[0]
    for word in ("To report", "Approvals", "Tasks", "Plans", "Notifications", "Sign out", "简体中文"):
        assert word in nav, word
    for zh in ("本期待填报", "审核", "计划", "退出"):
        assert zh not in nav, zh
    assert "Export ledger" in html and "On track" in html


def test_language_switch_sets_cookie(p: Any) -> None:
    c = client_for(p.reporter_a)
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
    assert "No sign-in needed" in html and "Report a problem" in html


def test_chinese_first_middleware_ignores_browser_language(p: Any, settings: Any) -> None:
    """With luoshi.web.middleware.ChineseFirstLocaleMiddleware, an English browser still gets Chinese."""
    settings.MIDDLEWARE = [
        "luoshi.web.middleware.ChineseFirstLocaleMiddleware"
        if m == "django.middleware.locale.LocaleMiddleware"
        else m
        for m in settings.MIDDLEWARE
    ]
    c = client_for(p.reporter_a)
    html = c.get("/work/tasks/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "本期待填报" in html
    c.cookies["django_language"] = "en"
    html = c.get("/work/tasks/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html and "To report" in html
    c.cookies["django_language"] = "xx"
    assert '<html lang="zh-hans">' in c.get("/work/tasks/").content.decode()


# ---------------------------------------------------------------------------------------------
# The newer pages: reporting flow, dashboard, bulletin, imports — in Chinese and in English

# Chinese an English page may quote: what the importer reads in a spreadsheet, given as examples.
SPREADSHEET_TERMS = ["6月底前", "全年"]


class FlowWorld(World):
    """World plus a plan running today, with a task in every state the flow pages show:
    to fill (with a last report), with a measure, returned to redo, pending approval, claimed, closed."""

    def __init__(self, p: Any) -> None:
        # Built in Chinese whatever an earlier test left active: services store some texts translated.
        with translation.override("zh-hans"):
            self._build(p)

    def _build(self, p: Any) -> None:
        super().__init__(p)
        today = timezone.localdate()
        self.plan_now = p.plan(
            name="本年度重点工作",
            year=today.year,
            start=today - timedelta(days=200),
            due=today + timedelta(days=165),
        )
        self.todo = self._task(p, title="推进产业园建设", code="1")
        self.measure = self._task(
            p,
            title="完成固定资产投资",
            code="2",
            metric_name="固定资产投资",
            metric_unit="亿元",
            baseline=0,
            target=200,
        )
        self.redo = self._task(p, title="老旧小区改造", code="3")
        self.waiting = self._task(p, title="新建学校", code="4")
        self.claimed = self._task(p, title="道路提升改造", code="5")
        self.closed = self._task(p, title="污水管网建设", code="6")
        last_period = rules.previous_period_end(self.plan_now.cadence, today)
        report_submit(actor=p.head_a, task=self.todo, percent=30, narrative="上期进展", period=last_period)
        returned = report_submit(actor=p.reporter_a, task=self.redo, percent=20, narrative="开工准备")
        with TestCase.captureOnCommitCallbacks(execute=True):  # its notification, sent after commit
            report_return(actor=p.head_a, report=returned, reason="请补充佐证材料")
        report_submit(actor=p.reporter_a, task=self.waiting, percent=25, narrative="完成选址")
        claim_task(actor=p.reporter_a, task=self.claimed, note="已全部完工")
        claim_task(actor=p.reporter_a, task=self.closed, note="已通水")
        task_confirm_completion(actor=p.officer, task=self.closed, note="核实无误")
        # The measure has a monthly plan and a milestone, so the keeping pages show both.
        Milestone.objects.create(task=self.measure, title="完成项目签约", due=today + timedelta(days=30))
        Task.objects.filter(pk=self.measure.pk).update(monthly_plan={f"{today:%Y-%m}": "100"})
        self.measure.refresh_from_db()
        self.batch = batch_create(
            actor=p.officer,
            kind="org",
            data="单位代码,单位名称,类别,上级单位代码\n1001,区教育局,区直部门,D0\n,区卫健委,区直部门,D0\n".encode(),
            filename="单位.csv",
        )

    def _task(self, p: Any, **kw: Any) -> Task:
        task = p.task(self.plan_now, **kw)
        task_refresh(task=task)
        task.refresh_from_db()
        return task


def _flow_pages(fw: FlowWorld) -> list[str]:
    return [
        "/work/fill/",
        "/work/approvals/",
        "/work/review/",
        "/work/dashboard/",
        f"/work/dashboard/?plan={fw.plan_now.pk}",
        f"/work/tasks/?plan={fw.plan_now.pk}",
        f"/work/plans/{fw.plan_now.pk}/",
        f"/work/tasks/{fw.todo.pk}/",
        f"/work/tasks/{fw.measure.pk}/",
        f"/work/tasks/{fw.claimed.pk}/",
        f"/work/tasks/{fw.closed.pk}/",
        f"/documents/bulletin/{fw.plan_now.pk}/",
        "/imports/",
        f"/imports/{fw.batch.pk}/",
        "/notifications/",
        "/audit/",
        *_keeping_pages(fw.plan_now, fw.measure),
    ]


# The pages each persona must actually see (status 200), so a page that starts refusing its own
# users cannot pass the language checks by being skipped.
OWN_PAGES = {
    "reporter_a": {"/work/fill/", "/work/tasks/{todo}/", "/work/tasks/{closed}/", "/notifications/"},
    "head_a": {"/work/fill/", "/work/approvals/", "/work/tasks/{measure}/", "/notifications/"},
    "reporter_b": {"/work/fill/", "/notifications/"},
    "leader": {"/work/dashboard/", "/documents/bulletin/{plan}/", "/work/tasks/{claimed}/"},
    "officer": {
        "/work/review/",
        "/work/dashboard/",
        "/documents/bulletin/{plan}/",
        "/imports/",
        "/imports/{batch}/",
        "/work/tasks/{closed}/",
        "/work/manage/plans/{plan}/",
        "/work/manage/tasks/{measure}/",
        "/work/manage/tasks/{measure}/split/",
        "/work/manage/tasks/{measure}/milestones/",
        "/work/manage/tasks/{measure}/measure/",
        "/org/units/",
        "/org/people/",
    },
    "auditor": {"/audit/", "/notifications/"},
    "anonymous": set(),
}


def _own_pages(fw: FlowWorld, who: str) -> set[str]:
    ids = {
        "plan": fw.plan_now.pk,
        "batch": fw.batch.pk,
        **{k: getattr(fw, k).pk for k in ("todo", "measure", "claimed", "closed")},
    }
    return {url.format(**ids) for url in OWN_PAGES[who]}


def _fetch(p: Any, fw: FlowWorld, who: str, *, english: bool) -> list[tuple[str, str]]:
    """(url, html) of every page the persona may see; checks the persona's own pages are among them."""
    user = getattr(p, who)
    if user is not None:
        Notification.objects.create(user=user, task=fw.claimed, text="任务亮灯变为黄灯")
    c = client_for(getattr(p, who))
    if english:
        c.cookies["django_language"] = "en"
    seen: list[tuple[str, str]] = []
    for url in _flow_pages(fw):
        resp = c.get(url)
        if resp.status_code in (301, 302):
            continue
        assert resp.status_code in (200, 403, 404), (who, url, resp.status_code)
        html = resp.content.decode()
        assert f'<html lang="{"en" if english else "zh-hans"}">' in html, (who, url)
        if resp.status_code == 200:
            seen.append((url, html))
    missing = _own_pages(fw, who) - {url for url, _ in seen}
    assert not missing, (who, sorted(missing))
    return seen


@pytest.mark.parametrize("who", PERSONAS)
def test_newer_chinese_pages_have_no_english(p: Any, who: str) -> None:
    fw = FlowWorld(p)
    codes = set(Unit.objects.values_list("code", flat=True))  # data, shown on the unit pages
    for url, html in _fetch(p, fw, who, english=False):
        words = english_words(html) - codes
        assert not words, (who, url, sorted(words))


def user_data() -> list[str]:
    """Every string the users typed or imported: names, titles, narratives, reasons, file names."""
    data: set[str] = {"简体中文"}  # the language switch names Chinese in Chinese
    data.update(Plan.objects.values_list("name", flat=True))
    data.update(Task.objects.values_list("title", flat=True))
    data.update(Task.objects.values_list("metric_name", flat=True))
    data.update(Task.objects.values_list("metric_unit", flat=True))
    for field in ("name", "short_name"):
        data.update(Unit.objects.values_list(field, flat=True))
    data.update(Person.objects.values_list("name", flat=True))
    data.update(Post.objects.values_list("title", flat=True))
    data.update(Milestone.objects.values_list("title", flat=True))
    data.update(Unit.objects.values_list("aliases", flat=True))
    for field in ("narrative", "problems", "next_steps", "return_reason"):
        data.update(Report.objects.values_list(field, flat=True))
    data.update(Transition.objects.values_list("reason", flat=True))
    # Notifications are stored as text, those the services write in the language active at the time.
    data.update(Notification.objects.values_list("text", flat=True))
    data.update(Evidence.objects.values_list("name", flat=True))
    # the import file, its rows and the column its problem names, spelled as in the file's header
    data.update({"单位.csv", "区教育局", "区卫健委", "单位代码"})
    data.update(SPREADSHEET_TERMS)
    # Problems stored as text only (before message codes, or a service's own error) stay as written;
    # those with a code are shown in the reader's language.
    for preview in ImportBatch.objects.values_list("preview", flat=True):
        data.update(p["message"] for p in (preview or {}).get("problems", []) if not p.get("code"))
    return sorted((d for d in data if d), key=len, reverse=True)


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation a template may leave around translated words: 、。〈〉《》「」『』【】〔〕（），：；
CJK_PUNCTUATION = "\u3001\u3002\u3008-\u3011\u3014-\u301b\uff08\uff09\uff0c\uff1a\uff1b"


def chinese_left(text: str, known: list[str], *, punctuation: bool = True) -> list[str]:
    """Words with Chinese in them left in `text` once the users' own data is taken out."""
    for d in known:
        text = text.replace(d, " ")
    chars = HAN + CJK_PUNCTUATION if punctuation else HAN
    return re.findall(rf"\S*[{chars}]+\S*", text)


def test_chinese_left_ignores_user_data_only() -> None:
    assert chinese_left("Task 推进产业园建设 · 2 days overdue", ["推进产业园建设"]) == []
    assert chinese_left("Progress (%) 累计 45", ["推进产业园建设"]) == ["累计"]
    assert chinese_left("Evidence：a.pdf、b.pdf", []) == ["Evidence：a.pdf、b.pdf"]
    assert chinese_left("Evidence：a.pdf", [], punctuation=False) == []


def _elements(html: str, *tags: str) -> str:
    """The inner HTML of every element with one of these tags, joined."""
    names = "|".join(tags)
    return " ".join(m.group(2) for m in re.finditer(rf"<({names})\b[^>]*>(.*?)</\1>", html, re.S))


@pytest.mark.parametrize("who", PERSONAS)
def test_newer_english_pages_have_no_chinese(p: Any, who: str) -> None:
    fw = FlowWorld(p)
    pages = _fetch(p, fw, who, english=True)
    known = user_data()
    for url, html in pages:
        for where, tags in (("nav", ("nav",)), ("headings", ("h1", "h2", "h3")), ("title", ("title",))):
            left = chinese_left(visible_text(_elements(html, *tags)), known)
            assert not left, (who, url, where, left)
        left = chinese_left(visible_text(html), known, punctuation=True)
        assert not left, (who, url, left)
    if who in ("reporter_a", "head_a"):
        fill = dict(pages)["/work/fill/"]
        assert "To report" in fill and "No change since last report" in fill and "Claim completion" in fill
    if who == "officer":
        review = dict(pages)["/work/review/"]
        assert "Completion claims" in review and "Confirm and close out" in review and "Reopen" in review
        assert "Lights by unit" in dict(pages)["/work/dashboard/"]
    if who == "leader":
        bulletin = dict(pages)[f"/documents/bulletin/{fw.plan_now.pk}/"]
        assert "1. Overview" in bulletin and "<th>Task</th>" in bulletin
        assert re.search(r"On track \d+, Lagging \d+, Far behind \d+, ", bulletin)  # the summary's list
