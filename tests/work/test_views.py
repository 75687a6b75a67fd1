"""Persona tests of the shell and task pages: who gets 200, 403, 404 or the login page;
query counts that do not grow with rows; HTMX partial versus full rendering."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.audit.models import Entry
from luoshi.notify.models import Notification
from luoshi.org.models import Role
from luoshi.work.models import Follow, Status, Task
from luoshi.work.services import report_submit, task_follow, task_set_status
from tests.factories import make_user
from tests.helpers import PERSONAS, client_for, exact_queries

LOGIN = "/login/"


class World:
    """A plan of unit A (a parent with children, reports, evidence, a correction) and a plan of unit B."""

    def __init__(self, p: Any) -> None:
        self.plan_a = p.plan(name="2024年度目标任务甲")
        self.parent = p.task(self.plan_a, title="推进重点项目建设", code="1")
        self.child = p.task(self.plan_a, title="项目开工审批", parent=self.parent, code="1.1")
        self.child2 = p.task(self.plan_a, title="项目用地保障", parent=self.parent, code="1.2")
        self.plan_b = p.plan(name="2024年度目标任务乙")
        self.task_b = p.task(self.plan_b, title="财政收入增长", unit=p.unit_b, code="1")
        pdf = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
        self.report = report_submit(
            actor=p.head_a,
            task=self.child,
            percent=40,
            narrative="已完成立项",
            on=date(2024, 5, 31),
            files=[pdf],
        )
        self.correction = report_submit(
            actor=p.head_a,
            task=self.child,
            percent=45,
            narrative="更正：已完成立项和环评",
            on=date(2024, 6, 2),
            corrects=self.report,
        )
        note = SimpleUploadedFile("待审材料.pdf", b"%PDF-1.4 pending", content_type="application/pdf")
        self.pending = report_submit(
            actor=p.reporter_a,
            task=self.child,
            percent=50,
            narrative="待审核的填报",
            on=date(2024, 6, 28),
            files=[note],
        )
        task_set_status(actor=p.officer, task=self.child2, status=Status.SUSPENDED, reason="用地待调整")
        self.evidence = self.report.evidence.get()
        self.pending_evidence = self.pending.evidence.get()


@pytest.fixture
def w(p: Any) -> World:
    return World(p)


def expect(resp: Any, code: int | str) -> None:
    if code == "login":
        assert resp.status_code == 302, resp.status_code
        assert resp["Location"].startswith(LOGIN)
    else:
        assert resp.status_code == code, (resp.status_code, getattr(resp, "content", b"")[:300])


# ---------------------------------------------------------------------------------------------
# shell: home, login, logout


@pytest.mark.parametrize(
    "who,target",
    [
        ("reporter_a", "/work/fill/"),
        ("head_a", "/work/approvals/"),
        ("reporter_b", "/work/fill/"),
        ("leader", "/work/dashboard/"),
        ("officer", "/work/review/"),
        ("auditor", "/audit/"),
        ("anonymous", LOGIN),
    ],
)
def test_home_redirects_by_role(p: Any, who: str, target: str) -> None:
    resp = client_for(getattr(p, who)).get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith(target)


def test_login_page_and_login_logout(p: Any) -> None:
    c = Client()
    resp = c.get(LOGIN)
    expect(resp, 200)
    assert "登录" in resp.content.decode()
    # a citizen who lands on the site finds the public side from the sign-in page, and each link opens
    public = resp.content.decode().split('id="public-links"', 1)[1].split("</p>", 1)[0]
    links = re.findall(r'href="([^"]+)"', public)
    assert links == ["/public/", "/public/appeals/new/", "/public/appeals/track/"]
    for link in links:
        expect(Client().get(link), 200)
    resp = c.post(LOGIN, {"username": "reporter_a", "password": "wrong"})
    expect(resp, 200)
    assert "用户名或密码不正确" in resp.content.decode()
    resp = c.post(LOGIN, {"username": "reporter_a", "password": "pass-reporter_a"})
    assert resp.status_code == 302 and resp["Location"] == "/"
    expect(c.get("/work/tasks/"), 200)
    assert c.get("/logout/").status_code == 405  # logout is POST only
    resp = c.post("/logout/")
    assert resp.status_code == 302
    expect(c.get("/work/tasks/"), "login")


def test_nav_links_by_role(p: Any) -> None:
    def nav(who: str) -> str:
        html = client_for(getattr(p, who)).get("/work/plans/").content.decode()
        return html.split('<nav class="nav" id="site-nav"', 1)[1].split("</nav>", 1)[0]

    reporter, head, leader, officer, auditor = (
        nav(n) for n in ("reporter_a", "head_a", "leader", "officer", "auditor")
    )
    assert (
        "/work/fill/" in reporter and "/work/approvals/" not in reporter and "/work/review/" not in reporter
    )
    assert "/work/approvals/" in head and "/work/fill/" in head
    assert "/work/dashboard/" in leader and "/imports/" not in leader and "/audit/" not in leader
    assert all(u in officer for u in ("/work/review/", "/imports/", "/work/dashboard/", "/work/tasks/"))
    assert "/audit/" not in officer
    assert "/audit/" in auditor and "/work/review/" not in auditor
    for html in (reporter, head, leader, officer):
        assert "/work/tasks/" in html and "/work/plans/" in html
    # 三权分立: an account holding only an admin duty has its duty's page and no business page.
    secadmin = make_user("secadmin", unit=p.office, role=Role.SECADMIN, name="安全员")
    security = client_for(secadmin).get("/account/security/").content.decode()
    security = security.split('<nav class="nav" id="site-nav"', 1)[1].split("</nav>", 1)[0]
    for html, page in ((auditor, "/audit/"), (security, "/account/security/")):
        links = set(re.findall(r'<a href="(/[^"]*)"', html)) - {"/notifications/"}
        assert page in links and not links & {"/work/tasks/", "/work/plans/", "/projects/", "/meetings/"}, (
            links
        )
    assert client_for(secadmin).get("/").headers["Location"] == "/account/security/"


def test_base_loads_htmx_and_csrf_header(p: Any) -> None:
    html = client_for(p.reporter_a).get("/work/tasks/").content.decode()
    assert "vendor/htmx/htmx.min.js" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "web/app.css" in html
    assert 'name="viewport"' in html


# ---------------------------------------------------------------------------------------------
# plans


@pytest.mark.parametrize("who", PERSONAS)
def test_plan_list(p: Any, w: World, who: str) -> None:
    resp = client_for(getattr(p, who)).get("/work/plans/")
    if who == "anonymous":
        return expect(resp, "login")
    expect(resp, 200)
    html = resp.content.decode()
    sees_a = who in ("reporter_a", "head_a", "leader", "officer")
    sees_b = who in ("reporter_b", "officer")
    assert (w.plan_a.name in html) == sees_a
    assert (w.plan_b.name in html) == sees_b


@pytest.mark.parametrize(
    "who,code",
    [
        ("reporter_a", 200),
        ("head_a", 200),
        ("reporter_b", 404),
        ("leader", 200),
        ("officer", 200),
        ("auditor", 404),
        ("anonymous", "login"),
    ],
)
def test_plan_detail(p: Any, w: World, who: str, code: Any) -> None:
    c = client_for(getattr(p, who))
    expect(c.get(f"/work/plans/{w.plan_a.pk}/"), code)
    expect(c.get(f"/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}"), code)


def test_plan_tree_shows_roots_counts_and_partial_children(p: Any, w: World) -> None:
    c = client_for(p.leader)
    full = c.get(f"/work/plans/{w.plan_a.pk}/").content.decode()
    assert "<html" in full and w.parent.title in full
    assert w.child.title not in full  # children load on demand
    assert f'hx-get="/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}"' in full
    assert "bar-expected" in full  # expected-versus-actual bar
    part = c.get(f"/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "<nav" not in part
    assert w.child.title in part and w.child2.title in part
    assert w.parent.title not in part
    # The full page of a node (no JavaScript) shows the node and its children with a breadcrumb.
    node = c.get(f"/work/plans/{w.plan_a.pk}/?parent={w.parent.pk}").content.decode()
    assert "<html" in node and w.child.title in node and w.parent.title in node


def test_plan_tree_hidden_node_and_bad_parent_are_404(p: Any, w: World) -> None:
    c = client_for(p.reporter_a)
    expect(c.get(f"/work/plans/{w.plan_a.pk}/?parent={w.task_b.pk}"), 404)
    expect(c.get(f"/work/plans/{w.plan_a.pk}/?parent=abc"), 404)
    expect(c.get("/work/plans/999999/"), 404)


def test_plan_tree_orphans_visible_to_co_unit(p: Any, w: World) -> None:
    """Reporter B sees a child led by B under a parent led by A: it shows at the top level."""
    orphan = p.task(w.plan_a, title="配合资金拨付", parent=w.parent, unit=p.unit_b)
    html = client_for(p.reporter_b).get(f"/work/plans/{w.plan_a.pk}/").content.decode()
    assert orphan.title in html and w.parent.title not in html


# ---------------------------------------------------------------------------------------------
# task list


@pytest.mark.parametrize("who", PERSONAS)
def test_task_list(p: Any, w: World, who: str) -> None:
    resp = client_for(getattr(p, who)).get("/work/tasks/")
    if who == "anonymous":
        return expect(resp, "login")
    expect(resp, 200)
    html = resp.content.decode()
    assert (w.child.title in html) == (who in ("reporter_a", "head_a", "leader", "officer"))
    assert (w.task_b.title in html) == (who in ("reporter_b", "officer"))


def test_task_list_search_pinyin_initials_and_facets(p: Any, w: World) -> None:
    c = client_for(p.officer)
    for q in ("开工", "kaigong", "xmkgsp"):
        html = c.get("/work/tasks/", {"q": q}).content.decode()
        assert f'id="task-{w.child.pk}"' in html, q
        assert f'id="task-{w.task_b.pk}"' not in html, q
    html = c.get("/work/tasks/", {"status": "suspended"}).content.decode()
    assert w.child2.title in html and w.child.title not in html
    # The status facet ignores the status filter itself, so other statuses still show their counts.
    assert 'id="facet-status-in_progress">3<' in html
    assert 'id="facet-status-suspended">1<' in html
    export = html.split('href="/documents/ledger.xlsx', 1)[1].split('"', 1)[0]
    assert export == "?status=suspended"


def test_task_list_sort_and_pagination(p: Any, w: World) -> None:
    c = client_for(p.officer)
    html = c.get("/work/tasks/", {"sort": "-due", "page": "1"}).content.decode()
    assert 'href="?sort=title"' in html
    for i in range(35):
        p.task(w.plan_b, title=f"批量任务{i}", unit=p.unit_b)
    html = c.get("/work/tasks/", {"plan": w.plan_b.pk}).content.decode()
    assert "下一页" in html and "共 36 项任务" in html
    html2 = c.get("/work/tasks/", {"plan": w.plan_b.pk, "page": 2}).content.decode()
    assert html2.count('<tr id="task-') == 6


def test_task_list_facets_and_count_from_one_grouped_scan(p: Any, w: World) -> None:
    """Unfiltered by light and status, the facet counts and the page count agree with the filtered
    lists they click through to."""
    c = client_for(p.officer)
    html = c.get("/work/tasks/").content.decode()
    total = Task.objects.count()
    assert f"共 {total} 项任务" in html
    for status in ("in_progress", "suspended"):
        n = Task.objects.filter(status=status).count()
        assert f'id="facet-status-{status}">{n}<' in html
    for light in ("not_started", "green"):
        n = Task.objects.filter(light=light).count()
        assert f'id="facet-light-{light}">{n}<' in html


def test_unit_select_falls_back_to_top_levels_when_long(
    p: Any, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luoshi.org.models import Unit
    from luoshi.work import views

    c = client_for(p.officer)
    lead_units = set(Task.objects.values_list("lead_unit__name", flat=True))
    html = c.get("/work/tasks/").content.decode()
    assert all(f">{name}</option>" in html for name in lead_units)
    monkeypatch.setattr(views, "UNIT_OPTIONS_MAX", 1)
    top = list(Unit.objects.filter(depth__lte=1).order_by("path").values_list("pk", flat=True))
    selected = Task.objects.exclude(lead_unit=top[0]).values_list("lead_unit", flat=True).first()
    assert selected is not None
    html = c.get("/work/tasks/", {"unit": selected}).content.decode()
    options = re.findall(r'<option value="(\d+)"', html.split('name="unit"', 1)[1].split("</select>", 1)[0])
    # The top level (capped), then the unit being filtered on, kept in the list and selected.
    assert [int(x) for x in options] == top[:1] + [selected]
    assert f'<option value="{selected}" selected>' in html


def test_task_list_htmx_partial(p: Any, w: World) -> None:
    c = client_for(p.officer)
    part = c.get("/work/tasks/", {"light": "not_started"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "<aside" not in part
    assert "<table" in part and 'hx-swap-oob="true"' in part
    full = c.get("/work/tasks/", {"light": "not_started"}).content.decode()
    assert "<html" in full and "<aside" in full and 'hx-swap-oob="true"' not in full


def test_task_list_bad_filter_value_shows_error(p: Any, w: World) -> None:
    resp = client_for(p.officer).get("/work/tasks/", {"plan": "abc"})
    expect(resp, 200)
    assert "errorlist" in resp.content.decode()


# ---------------------------------------------------------------------------------------------
# task page, evidence, follow


@pytest.mark.parametrize(
    "who,code",
    [
        ("reporter_a", 200),
        ("head_a", 200),
        ("reporter_b", 404),
        ("leader", 200),
        ("officer", 200),
        ("auditor", 404),
        ("anonymous", "login"),
    ],
)
def test_task_detail(p: Any, w: World, who: str, code: Any) -> None:
    expect(client_for(getattr(p, who)).get(f"/work/tasks/{w.child.pk}/"), code)


def test_task_detail_timeline_correction_and_pending(p: Any, w: World) -> None:
    unit = client_for(p.reporter_a).get(f"/work/tasks/{w.child.pk}/").content.decode()
    leader = client_for(p.leader).get(f"/work/tasks/{w.child.pk}/").content.decode()
    for html in (unit, leader):
        assert "已完成立项" in html and "更正：已完成立项和环评" in html
        assert "更正 2024-05-31 的填报" in html
        assert "已被 2024-06-02 的填报更正" in html
        assert f"/work/evidence/{w.evidence.pk}/" in html
        assert "/media/" not in html
        assert "新建任务" in html  # audit history
    # The pending report is seen inside the unit only.
    assert "待审核的填报" in unit and "待单位审核" in unit
    assert "待审核的填报" not in leader


def test_task_detail_transitions_children_and_history(p: Any, w: World) -> None:
    html = client_for(p.officer).get(f"/work/tasks/{w.child2.pk}/").content.decode()
    assert "推进中 → 暂停" in html and "用地待调整" in html
    parent = client_for(p.officer).get(f"/work/tasks/{w.parent.pk}/").content.decode()
    assert w.child.title in parent and w.child2.title in parent


def test_follow_history_is_private_to_auditor(p: Any, w: World) -> None:
    task_follow(actor=p.leader, task=w.child)
    assert "关注任务" not in client_for(p.officer).get(f"/work/tasks/{w.child.pk}/").content.decode()


@pytest.mark.parametrize(
    "who,code",
    [
        ("reporter_a", 200),
        ("head_a", 200),
        ("reporter_b", 404),
        ("leader", 200),
        ("officer", 200),
        ("auditor", 404),
        ("anonymous", "login"),
    ],
)
def test_evidence_download(p: Any, w: World, who: str, code: Any) -> None:
    resp = client_for(getattr(p, who)).get(f"/work/evidence/{w.evidence.pk}/")
    expect(resp, code)
    if code == 200:
        assert b"".join(resp.streaming_content) == b"%PDF-1.4 evidence"
        # A checked PDF opens in the browser; see test_uploads for the types served as downloads.
        assert resp["Content-Type"] == "application/pdf"
        assert resp["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    "who,code",
    [("reporter_a", 200), ("head_a", 200), ("leader", 404), ("reporter_b", 404), ("officer", 404)],
)
def test_pending_evidence_only_inside_unit(p: Any, w: World, who: str, code: int) -> None:
    expect(client_for(getattr(p, who)).get(f"/work/evidence/{w.pending_evidence.pk}/"), code)


@pytest.mark.parametrize(
    "who,code",
    [
        ("reporter_a", 302),
        ("head_a", 302),
        ("reporter_b", 404),
        ("leader", 302),
        ("officer", 302),
        ("auditor", 404),
        ("anonymous", "login"),
    ],
)
def test_follow(p: Any, w: World, who: str, code: Any) -> None:
    c = client_for(getattr(p, who))
    expect(c.post(f"/work/tasks/{w.child.pk}/follow/", {"follow": "1"}), code)
    user = getattr(p, who)
    followed = user is not None and Follow.objects.filter(user=user, task=w.child).exists()
    assert followed == (code == 302)
    if code == 302:
        assert "取消关注" in c.get(f"/work/tasks/{w.child.pk}/").content.decode()
        part = c.post(f"/work/tasks/{w.child.pk}/follow/", {"follow": "0"}, HTTP_HX_REQUEST="true")
        expect(part, 200)
        assert "<html" not in part.content.decode() and 'name="follow" value="1"' in part.content.decode()
        assert not Follow.objects.filter(user=user, task=w.child).exists()
        assert c.get(f"/work/tasks/{w.child.pk}/follow/").status_code == 405


# ---------------------------------------------------------------------------------------------
# notifications and audit


def _notify(user: Any, task: Task, n: int) -> None:
    Notification.objects.bulk_create(
        [Notification(user=user, task=task, text=f"亮灯变化{i}") for i in range(n)]
    )


@pytest.mark.parametrize("who", PERSONAS)
def test_notifications(p: Any, w: World, who: str) -> None:
    _notify(p.reporter_a, w.child, 2)
    resp = client_for(getattr(p, who)).get("/notifications/")
    if who == "anonymous":
        return expect(resp, "login")
    expect(resp, 200)
    assert ("亮灯变化1" in resp.content.decode()) == (who == "reporter_a")


def test_notifications_mark_read_only_own(p: Any, w: World) -> None:
    _notify(p.reporter_a, w.child, 2)
    _notify(p.head_a, w.child, 1)
    c = client_for(p.reporter_a)
    mine = Notification.objects.filter(user=p.reporter_a).first()
    theirs = Notification.objects.get(user=p.head_a)
    c.post("/notifications/read/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert not theirs.read
    resp = c.post("/notifications/read/", {"id": mine.pk, "next": "https://evil.example/"})
    assert resp["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read
    assert Notification.objects.filter(user=p.reporter_a, read=False).count() == 1
    c.post("/notifications/read/")
    assert Notification.objects.filter(user=p.reporter_a, read=False).count() == 0
    assert Notification.objects.filter(user=p.head_a, read=False).count() == 1
    expect(Client().post("/notifications/read/"), "login")


@pytest.mark.parametrize(
    "who,code",
    [
        ("reporter_a", 403),
        ("head_a", 403),
        ("reporter_b", 403),
        ("leader", 403),
        ("officer", 403),
        ("auditor", 200),
        ("anonymous", "login"),
    ],
)
def test_audit_page(p: Any, w: World, who: str, code: Any) -> None:
    expect(client_for(getattr(p, who)).get("/audit/"), code)


def test_audit_page_filters_by_action(p: Any, w: World) -> None:
    c = client_for(p.auditor)
    html = c.get("/audit/", {"action": "work.report.corrected"}).content.decode()
    assert "更正进度" in html and "新建计划" not in html.split("<tbody>", 1)[1]
    html = c.get("/audit/").content.decode()
    assert "新建计划" in html


# ---------------------------------------------------------------------------------------------
# query counts: 30 rows cost the same queries as 3


def _queries(name: str, c: Client, url: str, **headers: Any) -> int:
    """GET `url` (200 expected) and check its query count against the baseline `name`."""
    with exact_queries(name) as counted:
        resp = c.get(url, **headers)
    assert resp.status_code == 200
    return counted.count


def _grow_tasks(p: Any, plan: Any, parent: Any, n: int, *, co: bool = True) -> None:
    for i in range(n):
        t = p.task(
            plan,
            title=f"增量任务{parent.pk}-{i}",
            parent=parent,
            co_units=[p.unit_b] if co else [],
            responsible_person=p.reporter_a.person,
            responsible_leader=p.leader.person,
        )
        if i % 3 == 0:
            p.task(plan, title=f"孙任务{t.pk}", parent=t)


def test_list_query_counts_do_not_grow(p: Any) -> None:
    """Every list page (and the task page) costs the same queries at 30 rows as at 3; both exact."""
    plan = p.plan(name="查询计数计划")
    root = p.task(plan, title="根任务")
    _grow_tasks(p, plan, root, 3)
    for i in range(3):
        p.plan(name=f"附加计划{i}")
        report_submit(actor=p.head_a, task=root, percent=10 + i, on=date(2024, 3, i + 1))
    _notify(p.officer, root, 3)
    _notify(p.leader, root, 3)
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages: list[tuple[str, str, dict[str, str]]] = []
    for who in ("officer", "leader"):
        pages += [
            (who, "/work/tasks/", {}),
            (who, "/work/tasks/", htmx),
            (who, "/work/tasks/?q=zengliang", {}),
            (who, "/work/tasks/?light=not_started&sort=-due", {}),
            (who, "/work/plans/", {}),
            (who, "/work/plans/{plan}/", {}),
            (who, "/work/plans/{plan}/?parent={root}", {}),
            (who, "/work/plans/{plan}/?parent={root}", htmx),
            (who, "/work/tasks/{root}/", {}),
            (who, "/notifications/", {}),
        ]

    def name(who: str, url: str, headers: dict[str, str], rows: int) -> str:
        return f"work.pages[{who} {url}{' htmx' if headers else ''}]@{rows}"

    def get(who: str, url: str, headers: dict[str, str], rows: int) -> int:
        return _queries(
            name(who, url, headers, rows), clients[who], url.format(plan=plan.pk, root=root.pk), **headers
        )

    clients = {who: client_for(getattr(p, who)) for who in ("officer", "leader")}
    for who, url, headers in pages:
        clients[who].get(
            url.format(plan=plan.pk, root=root.pk), **headers
        )  # warm up (content types, session)
    small = [get(who, url, headers, 3) for who, url, headers in pages]
    _grow_tasks(p, plan, root, 27)
    for i in range(27):
        p.plan(name=f"更多计划{i}")
    for i in range(12):
        report_submit(actor=p.head_a, task=root, percent=20 + i, on=date(2024, 4, i + 1))
    _notify(p.officer, root, 27)
    _notify(p.leader, root, 27)
    assert Task.objects.filter(parent=root).count() == 30
    for (who, url, headers), n in zip(pages, small, strict=True):
        assert n <= 25, (who, url, n)
        assert get(who, url, headers, 30) <= n, (who, url)


def test_audit_query_count_does_not_grow(p: Any) -> None:
    plan = p.plan()
    c = client_for(p.auditor)
    small = _queries("audit.page[auditor /audit/]@few", c, "/audit/")
    for i in range(30):
        p.task(plan, title=f"审计任务{i}")
    assert Entry.objects.count() > 30
    assert _queries("audit.page[auditor /audit/]@30", c, "/audit/") <= small


@pytest.mark.django_db
def test_task_page_offers_claim_to_unit_and_reopen_to_officer(client, p):
    from django.urls import reverse

    from luoshi.work.services import task_confirm_completion
    from tests.factories import claim_task

    plan = p.plan()
    task = p.task(plan, title="推进老旧小区改造")
    claim_url = reverse("flow:claim", args=[task.pk])
    reopen_url = reverse("flow:reopen", args=[task.pk])
    client.force_login(p.reporter_a)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert claim_url in page and reopen_url not in page
    client.force_login(p.leader)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert claim_url not in page
    claim_task(actor=p.reporter_a, task=task)
    task_confirm_completion(actor=p.officer, task=task)
    client.force_login(p.officer)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert reopen_url in page and claim_url not in page
    client.force_login(p.reporter_a)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert reopen_url not in page and claim_url not in page
