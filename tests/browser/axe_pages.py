"""The page inventory of the accessibility pass (test_axe_browser.py), derived from the URL resolver.

`patterns()` walks the resolver and yields every named URL pattern of Luoshi. Each one is either
in PAGES (a GET HTML page, with its arguments filled from the objects `AxeWorld` seeds) or in
EXCLUDED with the reason it is not a page to scan; `uncovered()` names the patterns in neither, and
the test fails on them, so a new page cannot slip past the scan. The reasons are checked too
(`check_exclusion`): a POST-only action answers GET with 405, a download or feed is not HTML.

`AxeWorld` seeds, through the services and the test factories, a district where every page has
real rows: a running plan with a tree and tasks in every state (tests.web.test_i18n.FlowWorld), a
project, a meeting with decisions, supervision items with a notice and an accountability record,
a rectification round, a rating round with ballots, an assessment run with an appeal, a peer
group, warnings and flags, commitments and public items, citizen appeals, an enterprise, a course
with an exam, an import batch, notifications.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# ---------------------------------------------------------------------------------------------
# The resolver


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced: "projects:detail"
    route: str  # "projects/<int:pk>/"


def patterns() -> Iterator[Pattern]:
    """Every named pattern of the project's URLconf (namespaces joined with ':')."""

    def walk(items: list[Any], prefix: str, ns: str) -> Iterator[Pattern]:
        for item in items:
            if isinstance(item, URLResolver):
                inner = ns + (item.namespace + ":" if item.namespace else "")
                yield from walk(item.url_patterns, prefix + str(item.pattern), inner)
            elif isinstance(item, URLPattern):
                yield Pattern(
                    ns + (item.name or f"<unnamed {prefix}{item.pattern}>"), prefix + str(item.pattern)
                )

    yield from walk(get_resolver().url_patterns, "", "")


# Whole namespaces that are not pages: the JSON API (its docs page is Swagger UI, a vendored
# third-party page, not Luoshi's markup) and the Open311 feed (JSON and XML).
EXCLUDED_NAMESPACES = {
    "api-v1": "JSON API (its Swagger UI docs page is third-party markup)",
    "open311": "Open311 feed (JSON and XML documents)",
}

# Kinds of exclusion, each checked by `check_exclusion`.
POST = "POST-only action (GET answers 405)"
DOWNLOAD = "download or feed (not HTML)"
REDIRECT = "redirect only (no page of its own)"

# name -> (kind, arguments) for everything that is not a page. Arguments fill the route so the
# kind can be checked against the live view.
EXCLUDED: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {}


def _ex(kind: str, *names: str, args: Callable[[Any], dict[str, Any]] = lambda w: {}) -> None:
    for name in names:
        EXCLUDED[name] = (kind, args)


_ex(REDIRECT, "set_language", "portal:language")
_ex(
    POST,
    "notify_preference",
    "notify_reminders",
    "benchmark:import",
    "benchmark:group_new",
    "benchmark:own_value",
    "appeals:client_new",
    "identity:recovery_codes",
)
_ex(POST, "logout", "notifications_read", "notify_outbox_resend")
_ex(REDIRECT, "home")
# The second step of signing in: without a sign-in under way it sends back to the login page.
_ex(REDIRECT, "identity:verify", "identity:enrol")
_ex(DOWNLOAD, "healthz", "readyz")
_ex(POST, "manage:plan_lock", args=lambda w: {"pk": w.plan.pk})
_ex(POST, "manage:task_status", args=lambda w: {"pk": w.task.pk})
_ex(POST, "manage:milestone_delete", args=lambda w: {"pk": w.milestone.pk})
_ex(POST, "org:membership_end", args=lambda w: {"pk": w.membership.pk})
_ex(
    POST,
    "flow:fill_submit",
    "flow:claim",
    "flow:reopen",
    "flow:close_together",
    args=lambda w: {"task_id": w.task.pk},
)
_ex(POST, "flow:approve_all")
_ex(POST, "flow:approve", "flow:return", args=lambda w: {"report_id": w.report.pk})
_ex(POST, "flow:confirm", "flow:reject", args=lambda w: {"task_id": w.task.pk})
_ex(POST, "flow:claim_approve", "flow:claim_return", args=lambda w: {"claim_id": w.claim.pk})
_ex(POST, "flow:milestone_claim", args=lambda w: {"milestone_id": w.milestone.pk})
_ex(POST, "flow:milestone_confirm", "flow:milestone_reject", args=lambda w: {"claim_id": w.claim.pk})
_ex(POST, "task_follow", args=lambda w: {"pk": w.task.pk})
_ex(DOWNLOAD, "evidence_download", args=lambda w: {"pk": w.evidence.pk})
_ex(DOWNLOAD, "documents:ledger_xlsx", "documents:ledger_csv")
_ex(POST, "documents:bulletin_publish", args=lambda w: {"plan_id": w.plan.pk})
_ex(DOWNLOAD, "imports:progress", args=lambda w: {"pk": w.batch.pk})
_ex(POST, "imports:commit", "imports:map", "imports:lead", args=lambda w: {"pk": w.batch.pk})
_ex(POST, "projects:boundary")
_ex(
    POST,
    "projects:stage_met",
    "projects:investment",
    "projects:problem_add",
    "projects:problems_tasks",
    args=lambda w: {"pk": w.project.pk},
)
_ex(POST, "projects:problem_task", args=lambda w: {"pk": w.project.pk, "problem_id": w.project_problem.pk})
_ex(POST, "meetings:action", args=lambda w: {"pk": w.meeting.pk, "action": "agenda"})
_ex(
    POST,
    "meetings:checkin_card",
    "meetings:minutes",
    "meetings:decision_add",
    args=lambda w: {"pk": w.meeting.pk},
)
_ex(POST, "meetings:checkin_person", args=lambda w: {"pk": w.meeting.pk, "person": w.person.pk})
_ex(POST, "meetings:decision_delete", args=lambda w: {"pk": w.decision.pk})
_ex(DOWNLOAD, "meetings:memo", args=lambda w: {"pk": w.meeting.pk, "ext": "docx"})
_ex(DOWNLOAD, "meetings:ical", args=lambda w: {"token": "nope"})
_ex(
    POST,
    "rectification:round_import",
    "rectification:publication_publish",
    "rectification:publication_unpublish",
    args=lambda w: {"pk": w.round.pk},
)
_ex(DOWNLOAD, "rectification:round_export", args=lambda w: {"pk": w.round.pk, "fmt": "xlsx"})
_ex(POST, "rectification:signoff_submit", "rectification:reopen", args=lambda w: {"pk": w.problem.pk})
_ex(
    POST, "rectification:signoff_approve", "rectification:signoff_reject", args=lambda w: {"pk": w.signoff.pk}
)
_ex(DOWNLOAD, "rectification:evidence", args=lambda w: {"pk": w.rect_evidence.pk})
_ex(POST, "supervision:queue_decide")
_ex(DOWNLOAD, "supervision:export")
_ex(
    POST,
    "supervision:handoff",
    "supervision:close",
    "supervision:notice_new",
    args=lambda w: {"pk": w.item.pk},
)
_ex(DOWNLOAD, "supervision:notice_file", args=lambda w: {"pk": w.notice.pk, "ext": "docx"})
_ex(DOWNLOAD, "supervision:evidence", args=lambda w: {"pk": w.sup_evidence.pk})
_ex(POST, "alerts:flag_decide", args=lambda w: {"pk": w.flag.pk})
_ex(REDIRECT, "alerts:settings")
_ex(
    POST,
    "ratings:panel_new",
    "ratings:import",
    "ratings:open",
    "ratings:close",
    "ratings:links",
    args=lambda w: {"pk": w.rating_round.pk},
)
_ex(POST, "assessment:publish", args=lambda w: {"pk": w.run.pk})
_ex(DOWNLOAD, "assessment:xlsx", "assessment:pdf", args=lambda w: {"pk": w.run.pk})
_ex(POST, "portal_office:review_one", args=lambda w: {"pk": w.snapshot.pk})
_ex(POST, "portal_office:review_many", "portal_office:sync", "portal_office:publish_projects")
_ex(POST, "portal_office:moderate", args=lambda w: {"pk": w.feedback.pk})
_ex(POST, "portal_office:withdraw", args=lambda w: {"pk": w.publication.pk})
_ex(POST, "commitments:review", args=lambda w: {"pk": w.compliance.pk})
_ex(
    POST,
    "appeals:route",
    "appeals:pause",
    "appeals:resume",
    "appeals:reply",
    "appeals:close",
    "appeals:reopen",
    "appeals:verify",
    args=lambda w: {"pk": w.appeal.pk},
)
_ex(POST, "appeals_public:rate", "appeals_public:reopen")
_ex(
    POST,
    "enterprises:flag_raise",
    "enterprises:visit_new",
    "enterprises:problem_new",
    "enterprises:team",
    args=lambda w: {"pk": w.enterprise.pk},
)
_ex(POST, "enterprises:flag_close", args=lambda w: {"pk": w.enterprise.pk, "flag_pk": w.risk_flag.pk})
_ex(POST, "learning:start", args=lambda w: {"pk": w.course.pk})
_ex(DOWNLOAD, "learning:material", args=lambda w: {"pk": w.material.pk})
_ex(
    POST,
    "learning:assign",
    "learning:material_add",
    "learning:question_add",
    "learning:import",
    args=lambda w: {"pk": w.course.pk},
)
_ex(POST, "learning:material_remove", args=lambda w: {"pk": w.material.pk})
_ex(POST, "learning:question_remove", args=lambda w: {"pk": w.question.pk})
_ex(POST, "identity:security_action", args=lambda w: {"user_id": w.users["reporter_a"].pk, "action": "reset"})

_ex(POST, "manage:milestone_edit", args=lambda w: {"pk": w.milestone.pk})
_ex(POST, "org:post_new", args=lambda w: {"pk": w.unit_a.pk})
_ex(POST, "org:holder_new", args=lambda w: {"pk": w.unit_a.pk})
_ex(POST, "org:post_edit", args=lambda w: {"pk": w.post.pk})
_ex(POST, "org:portfolio", args=lambda w: {"pk": w.leader_person.pk})
_ex(POST, "projects:stage_plan", args=lambda w: {"pk": w.project.pk})
_ex(POST, "projects:owners", args=lambda w: {"pk": w.project.pk})
_ex(POST, "meetings:series_schedule", args=lambda w: {"pk": w.series.pk})
_ex(POST, "supervision:accountability_new", args=lambda w: {"pk": w.item.pk})
_ex(POST, "supervision:respond", args=lambda w: {"pk": w.notice.pk})
_ex(POST, "assessment:run_new", args=lambda w: {"pk": w.scheme.pk})
_ex(POST, "assessment:appeal_new", args=lambda w: {"pk": w.run.pk})
_ex(POST, "commitments:edit", args=lambda w: {"pk": w.commitment.pk})
_ex(POST, "commitments:compliance", args=lambda w: {"pk": w.commitment.pk})

# ---------------------------------------------------------------------------------------------
# The pages: name -> the paths to scan (a page with an important state, such as a filtered list,
# can give more than one).

PAGES: dict[str, Callable[[Any], list[str]]] = {}


def _page(name: str, fn: Callable[[Any], list[str] | str] | None = None) -> None:
    from django.urls import reverse

    def paths(w: Any) -> list[str]:
        if fn is None:
            return [reverse(name)]
        got = fn(w)
        return [got] if isinstance(got, str) else got

    PAGES[name] = paths


def _rev(name: str, **kw: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kw)


for _name in (
    "login",
    "notifications",
    "audit",
    "notify_outbox",
    "dashboard:dashboard",
    "manage:plan_new",
    "org:units",
    "org:unit_new",
    "org:people",
    "org:person_new",
    "flow:fill",
    "flow:approvals",
    "flow:review",
    "plan_list",
    "task_list",
    "documents:bulletin_index",
    "imports:upload",
    "projects:list",
    "projects:board",
    "projects:map",
    "projects:import",
    "projects:new",
    "meetings:list",
    "meetings:series_new",
    "meetings:calendar",
    "rectification:rounds",
    "rectification:round_new",
    "supervision:items",
    "supervision:item_new",
    "supervision:queue",
    "supervision:idle",
    "supervision:accountability",
    "alerts:board",
    "alerts:flags",
    "alerts:timeliness",
    "ratings:rounds",
    "ratings:round_new",
    "assessment:schemes",
    "assessment:scheme_new",
    "assessment:import",
    "assessment:events",
    "assessment:appeals",
    "benchmark:index",
    "portal:home",
    "portal:units",
    "portal:catalogues",
    "portal_office:review",
    "portal_office:feedback",
    "portal_office:publications",
    "commitments:list",
    "commitments:queue",
    "commitments:catalogues",
    "appeals:list",
    "appeals:phone",
    "appeals:services",
    "appeals_public:new",
    "enterprises:list",
    "enterprises:new",
    "learning:mine",
    "learning:record",
    "learning:office",
    "identity:account",
    "identity:password_change",
    "identity:account_enrol",
    "identity:security",
):
    _page(_name)

_page("manage:plan_edit", lambda w: _rev("manage:plan_edit", pk=w.plan.pk))
_page("manage:task_new", lambda w: _rev("manage:task_new", plan_pk=w.plan.pk))
_page("manage:task_edit", lambda w: _rev("manage:task_edit", pk=w.measure.pk))
_page("manage:task_split", lambda w: _rev("manage:task_split", pk=w.measure.pk))
_page("manage:task_milestones", lambda w: _rev("manage:task_milestones", pk=w.measure.pk))
_page("manage:task_measure", lambda w: _rev("manage:task_measure", pk=w.measure.pk))
_page("org:unit", lambda w: _rev("org:unit", pk=w.unit_a.pk))
_page("org:person", lambda w: _rev("org:person", pk=w.person.pk))
_page(
    "plan_detail",
    lambda w: [_rev("plan_detail", pk=w.plan.pk), _rev("plan_detail", pk=w.tree_plan.pk)],
)
_page(
    "task_detail",
    lambda w: [_rev("task_detail", pk=t.pk) for t in (w.todo, w.measure, w.claimed, w.closed, w.parent)],
)
_page("documents:bulletin", lambda w: _rev("documents:bulletin", plan_id=w.plan.pk))
_page("imports:batch", lambda w: _rev("imports:batch", pk=w.batch.pk))
_page("projects:import_preview", lambda w: _rev("projects:import_preview", pk=w.project_import.pk))
_page("projects:detail", lambda w: _rev("projects:detail", pk=w.project.pk))
_page("projects:edit", lambda w: _rev("projects:edit", pk=w.project.pk))
_page("meetings:meeting", lambda w: _rev("meetings:meeting", pk=w.meeting.pk))
_page("meetings:door", lambda w: _rev("meetings:door", pk=w.meeting.pk))
_page("meetings:qr", lambda w: _rev("meetings:qr", token=w.qr_token))
_page("rectification:problem_new", lambda w: _rev("rectification:problem_new", pk=w.round.pk))
_page("rectification:round", lambda w: _rev("rectification:round", pk=w.round.pk))
_page("rectification:publication", lambda w: _rev("rectification:publication", pk=w.round.pk))
_page(
    "rectification:problem",
    lambda w: [
        _rev("rectification:problem", pk=w.problem.pk),
        _rev("rectification:problem", pk=w.problem_ready.pk),
    ],
)
_page("supervision:item", lambda w: _rev("supervision:item", pk=w.item.pk))
_page("alerts:warning", lambda w: _rev("alerts:warning", pk=w.warning.pk))
_page("alerts:plan_settings", lambda w: _rev("alerts:plan_settings", plan_id=w.plan.pk))
_page("ratings:round", lambda w: _rev("ratings:round", pk=w.rating_round.pk))
_page("ratings:results", lambda w: _rev("ratings:results", pk=w.rating_round.pk))
_page("ratings:ballot", lambda w: _rev("ratings:ballot", token=w.ballot_token))
_page("assessment:scheme", lambda w: _rev("assessment:scheme", pk=w.scheme.pk))
_page("assessment:scheme_edit", lambda w: _rev("assessment:scheme_edit", pk=w.scheme.pk))
_page("assessment:scores", lambda w: _rev("assessment:scores", pk=w.indicator.pk))
_page("assessment:run", lambda w: _rev("assessment:run", pk=w.run.pk))
_page("assessment:breakdown", lambda w: _rev("assessment:breakdown", pk=w.run.pk, unit=w.unit_a.pk))
_page("assessment:appeal", lambda w: _rev("assessment:appeal", pk=w.assessment_appeal.pk))
_page("benchmark:ranking", lambda w: _rev("benchmark:ranking", pk=w.group.pk))
_page("portal:unit", lambda w: _rev("portal:unit", unit_id=w.unit_a.pk))
_page("portal:search", lambda w: _rev("portal:search") + "?q=%E5%BB%BA")
_page("search", lambda w: [_rev("search") + "?q=%E6%8E%A8%E8%BF%9B", _rev("search") + "?q=%E5%BB%BA"])
_page("portal:item", lambda w: _rev("portal:item", pk=w.publication.pk))
_page("commitments:detail", lambda w: _rev("commitments:detail", pk=w.commitment.pk))
_page("appeals:detail", lambda w: _rev("appeals:detail", pk=w.appeal.pk))
_page("appeals_public:track", lambda w: _rev("appeals_public:track") + f"?code={w.appeal.tracking_code}")
_page("enterprises:detail", lambda w: _rev("enterprises:detail", pk=w.enterprise.pk))
_page("enterprises:edit", lambda w: _rev("enterprises:edit", pk=w.enterprise.pk))
_page("learning:course", lambda w: _rev("learning:course", pk=w.course.pk))
_page("learning:exam", lambda w: _rev("learning:exam", pk=w.attempt.pk))
_page("learning:office_course", lambda w: _rev("learning:office_course", pk=w.course.pk))
_page("learning:course_edit", lambda w: _rev("learning:course_edit", pk=w.course.pk))
_page(
    "learning:course_withdraw",
    lambda w: [
        _rev("learning:course_withdraw", pk=w.course.pk),
        _rev("learning:course_withdraw", pk=w.fresh_course.pk),
    ],
)
_page("learning:material_edit", lambda w: _rev("learning:material_edit", pk=w.material.pk))
_page("learning:question_edit", lambda w: _rev("learning:question_edit", pk=w.question.pk))


def uncovered() -> list[str]:
    """Patterns neither scanned nor excluded with a reason."""
    out = []
    for pat in patterns():
        ns = pat.name.split(":", 1)[0] if ":" in pat.name else ""
        if ns in EXCLUDED_NAMESPACES or pat.name in PAGES or pat.name in EXCLUDED:
            continue
        out.append(f"{pat.name} ({pat.route})")
    return out


def stale() -> list[str]:
    """Names in PAGES or EXCLUDED that the resolver no longer has."""
    names = {pat.name for pat in patterns()}
    return sorted((set(PAGES) | set(EXCLUDED)) - names)


def check_exclusion(client: Any, name: str, w: Any) -> str | None:
    """None when the excluded pattern is what its reason says; else what it is instead."""
    from django.urls import reverse

    kind, args = EXCLUDED[name]
    url = reverse(name, kwargs=args(w) or None)
    resp = client.get(url)
    ctype = resp.get("Content-Type", "")
    if kind == POST:
        return None if resp.status_code == 405 else f"{url}: GET gives {resp.status_code}, not 405"
    if kind == REDIRECT:
        return (
            None if resp.status_code in (301, 302) else f"{url}: GET gives {resp.status_code}, not a redirect"
        )
    if resp.status_code == 200 and ctype.startswith("text/html"):
        return f"{url}: an HTML page ({ctype})"
    return None


# ---------------------------------------------------------------------------------------------
# The seeded district


class AxeWorld:
    """Every page's objects, built through the services (see the module's docstring)."""

    def __init__(self, p: Any) -> None:
        from django.utils import translation

        with translation.override("zh-hans"):
            self._build(p)

    def _build(self, p: Any) -> None:
        from django.utils import timezone

        from luoshi.org.models import Membership, Person, Post
        from luoshi.work.models import Claim, Evidence, Milestone, Report
        from tests.web.test_i18n import FlowWorld

        today = timezone.localdate()
        fw = FlowWorld(p)
        self.fw = fw
        self.users = {
            name: getattr(p, name)
            for name in ("reporter_a", "head_a", "reporter_b", "leader", "officer", "auditor")
        }
        self.unit_a = p.unit_a
        self.plan = fw.plan_now
        self.task = fw.todo
        self.todo, self.measure, self.claimed, self.closed = fw.todo, fw.measure, fw.claimed, fw.closed
        self.parent = fw.parent
        self.tree_plan = fw.plan_a
        self.batch = fw.batch
        self.milestone = Milestone.objects.filter(task=fw.measure).first()
        self.report = Report.objects.filter(task=fw.waiting).first()
        self.claim = Claim.objects.filter(task=fw.claimed).first()
        self.evidence = Evidence.objects.first()
        self.membership = Membership.objects.filter(person__user=p.reporter_b).first()
        self.person = Person.objects.get(user=p.reporter_a)
        self.leader_person = p.leader.person
        self.post = Post.objects.filter(unit=p.unit_a).first()

        self._projects(p, today)
        self._meetings(p, today)
        self._supervision(p, today)
        self._rectification(p)
        self._ratings(p)
        self._assessment(p)
        self._benchmark(p)
        self._alerts(p, today)
        self._portal(p)
        self._appeals(p)
        self._enterprises(p, today)
        self._learning(p)

    def _projects(self, p: Any, today: date) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from luoshi.org.models import Post
        from luoshi.projects import services
        from tests.projects.factories import make_project

        project = make_project(p, name="智能制造产业园", protected=True, lat="31.2", lng="121.5")
        services.stage_met(
            actor=p.officer,
            project=project,
            stage="signed",
            met=today - timedelta(days=20),
            note="签约仪式举行",
        )
        services.investment_report(actor=p.officer, project=project, month=today.replace(day=1), amount=100)
        services.owner_assign(
            actor=p.officer,
            project=project,
            role="manager",
            post=Post.objects.get(unit=p.unit_a, role="head"),
        )
        self.project_problem = services.problem_add(
            actor=p.officer,
            project=project,
            title="用地指标不足",
            owner_unit=p.unit_b,
            deadline=today + timedelta(days=60),
        )
        upload = SimpleUploadedFile("清单.csv", "年度,项目名称,状态\n2024,智能制造产业园,在建\n".encode())
        self.project_import = services.import_store(actor=p.officer, file=upload, year=today.year)
        self.project = project

    def _meetings(self, p: Any, today: date) -> None:
        from django.utils import timezone

        from luoshi.meetings import services

        self.series = services.series_create(
            actor=p.officer,
            name="区长调度会",
            cadence="weekly",
            chair=p.leader.person,
            start_time=time(9),
            units=[p.unit_a],
        )
        self.meeting = services.meeting_create(
            actor=p.officer, series=self.series, starts_at=timezone.now() + timedelta(minutes=30)
        )
        self.decision = services.decision_add(
            actor=p.officer,
            meeting=self.meeting,
            text="加快产业园配套道路建设",
            owner_unit=p.unit_a,
            deadline=today + timedelta(days=30),
            plan=self.plan,
        )
        self.qr_token = services.door_open(actor=p.officer, meeting=self.meeting).token

    def _supervision(self, p: Any, today: date) -> None:
        from django.utils import timezone

        from luoshi.supervision.models import Item
        from luoshi.supervision.services import accountability_record, notice_issue, response_submit
        from luoshi.work.models import Task
        from luoshi.work.services.reports import report_submit
        from tests.factories import evidence
        from tests.supervision.conftest import make_item

        self.item = make_item(p)
        self.notice = notice_issue(actor=p.officer, item=self.item, level="supervise")
        # The task's report has a file: the response form lists it to carry (沿用), a box ticked.
        filed = report_submit(
            actor=p.reporter_a,
            task=Task.objects.get(pk=self.item.task_id),
            percent=30,
            narrative="已制定方案",
            files=evidence("进度台账.pdf"),
        )
        response_submit(
            actor=p.reporter_a,
            notice=self.notice,
            text="已制定方案，正在推进。",
            files=evidence("方案.pdf"),
            carried=[filed.evidence.get().pk],
        )
        self.sup_evidence = self.notice.responses.first().evidence.get(source__isnull=True)
        account = make_item(p, title="违规审批问题督办")
        notice_issue(actor=p.officer, item=account, level="account")
        account = Item.objects.get(pk=account.pk)
        accountability_record(
            actor=p.officer,
            item=account,
            person=self.person,
            finding="推诿扯皮，延误办理",
            outcome="interview",
            decided_on=timezone.localdate(),
        )
        del today

    def _rectification(self, p: Any) -> None:
        from luoshi.rectification.services import signoff_approve, signoff_submit
        from luoshi.work.models import Task
        from luoshi.work.services.reports import report_submit
        from tests.factories import evidence
        from tests.rectification.conftest import close_measures, make_problem, make_round

        self.round = make_round(p)
        self.problem = make_problem(p, self.round)
        # A problem ready to apply for: its measures reported with a file and closed, so the sign-off
        # form lists their files to carry (沿用).
        ready = make_problem(p, self.round, "4", measures=[("完善报销审批流程", None)])
        for task in Task.objects.filter(pk__in=ready.measures.values("task_id")):
            report_submit(
                actor=p.reporter_a,
                task=task,
                percent=90,
                narrative="已整改",
                on=date(2024, 6, 28),
                files=evidence("整改台账.pdf"),
            )
        close_measures(p, ready)
        self.problem_ready = ready
        make_problem(p, self.round, number="2", responsible_unit=p.unit_b)
        done = make_problem(p, self.round, "3", kind="long_term", mechanism="每季度开展财务抽查")
        close_measures(p, done)
        self.signoff = signoff_submit(actor=p.reporter_a, problem=done, note="已整改", files=evidence())
        signoff_approve(actor=p.head_a, signoff=self.signoff, step="unit_head", note="同意")
        self.rect_evidence = self.signoff.evidence.first()

    def _ratings(self, p: Any) -> None:
        from tests.ratings.conftest import make_round, opened

        self.rating_round = make_round(p)
        tokens = opened(p, self.rating_round)
        self.ballot_token = next(iter(tokens.values()))

    def _assessment(self, p: Any) -> None:
        from luoshi.assessment import services
        from luoshi.assessment.models import Indicator
        from tests.assessment.conftest import make_scheme

        self.scheme = make_scheme(p)
        self.indicator = Indicator.objects.filter(group__scheme=self.scheme).first()
        services.scheme_set_status(actor=p.officer, scheme=self.scheme, status="active")
        self.run = services.run_create(actor=p.officer, scheme=self.scheme, as_of=date(2024, 12, 31))
        from django.utils import timezone

        self.run = services.run_publish(
            actor=p.officer, run=self.run, appeal_until=timezone.localdate() + timedelta(days=10)
        )
        self.assessment_appeal = services.appeal_file(
            actor=p.head_a, run=self.run, unit=p.unit_a, text="重点任务得分有误，请复核。"
        )

    def _benchmark(self, p: Any) -> None:
        from luoshi.benchmark import defaults, services
        from tests.benchmark.conftest import make_group

        defaults.ensure()
        services.divisions_import(actor=p.officer)
        self.group = make_group(p)

    def _alerts(self, p: Any, today: date) -> None:
        from luoshi.alerts.models import Flag, Warning
        from luoshi.alerts.services import flags_step, warnings_step
        from luoshi.work.services import report_submit
        from luoshi.work.services.lights import mark_late_reports

        mark_late_reports(plan_id=self.plan.pk, on=today)
        warnings_step(today)
        self.warning = Warning.objects.first()
        plan = p.plan(head_approval=False)
        for i in range(2):
            task = p.task(plan, title=f"空话任务{i}")
            report_submit(
                actor=p.reporter_a,
                task=task,
                percent=20,
                narrative="高度重视，认真落实，取得成效。",
                on=date(2024, 3, 1),
            )
        flags_step(date(2024, 3, 2))
        self.flag = Flag.objects.first()

    def _portal(self, p: Any) -> None:
        from django.core.cache import cache

        from luoshi.portal.models import Feedback, Publication, Snapshot
        from luoshi.portal.services import feedback_submit, project_publish, publications_sync
        from tests.commitments.helpers import accepted, commitment, publish_all

        cache.clear()
        self.commitment = commitment(p, title="年内建成智慧停车平台")
        self.compliance = accepted(p, self.commitment, "2026Q1", "on_track", "完成招标")
        commitment(p, unit=p.unit_b, title="企业诉求五个工作日内办结")
        from luoshi.commitments import services as cs

        cs.compliance_submit(
            actor=p.reporter_a,
            commitment=self.commitment,
            period="2026Q2",
            state="on_track",
            note="平台上线试运行",
        )
        project_publish(actor=p.officer, project_ids=[self.project.pk], on=date(2026, 6, 1))
        publications_sync(date(2026, 6, 1))
        publish_all(p)
        self.publication = Publication.objects.filter(withdrawn=False, current__isnull=False).first()
        feedback_submit(
            publication_id=self.publication.pk, body="希望尽快建成，方便停车。", address="127.0.0.9"
        )
        self.feedback = Feedback.objects.first()
        self.snapshot = Snapshot.objects.first()

    def _appeals(self, p: Any) -> None:
        from luoshi.appeals.models import Service
        from tests.appeals.conftest import file

        service = Service.objects.create(
            code="permit", name="审批服务", group="政务服务", unit=p.unit_a, sla_hours=72
        )
        self.appeal = file(service)

    def _enterprises(self, p: Any, today: date) -> None:
        from luoshi.enterprises import services

        self.enterprise = services.enterprise_create(
            actor=p.officer,
            name="示范精密制造有限公司",
            credit_code="914403001922038216",
            industry="制造业",
            size="medium",
            unit=p.unit_a,
        )
        self.risk_flag = services.flag_raise(
            actor=p.officer, enterprise=self.enterprise, kind="wages", note="拖欠一线工人工资两个月"
        )
        visit = services.visit_record(
            actor=p.officer,
            enterprise=self.enterprise,
            visited_on=today,
            visitors=[p.officer.person],
            notes="走访了解用工情况。",
        )
        services.problem_create(
            actor=p.officer,
            enterprise=self.enterprise,
            text="用工缺口较大",
            unit=p.unit_a,
            due=today + timedelta(days=30),
            visit=visit,
        )

    def _learning(self, p: Any) -> None:
        from luoshi.learning import services
        from tests.learning.helpers import course_for

        self.course = course_for(p, p.reporter_a, p.head_a)
        self.material = services.material_add(
            actor=p.officer, course=self.course, kind="link", title="学习资料", url="https://example.org/a"
        )
        self.attempt = services.attempt_start(actor=p.reporter_a, course=self.course)
        self.question = self.course.questions.order_by("pk").first()
        # a course nobody has sat: its withdraw page offers deletion, the other one archiving
        self.fresh_course = course_for(p, p.head_a, title="新课程", n_multiple=0, n_judge=0)
