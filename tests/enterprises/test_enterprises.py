"""Enterprise watch: registration with the credit code checked, risk flags and the status, the
service team, visits, problems that become tasks; pages, API and query counts per persona."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.enterprises import services
from luoshi.enterprises.models import Enterprise, Problem, RiskFlag, TeamMember
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.work.models import Task
from tests.factories import Personas
from tests.helpers import TABLE, client_for, exact_queries

pytestmark = pytest.mark.django_db

CODE = "914403001922038216"


def make(p: Personas, code: str = CODE, unit: Any = None, name: str = "示范精密制造有限公司") -> Enterprise:
    return services.enterprise_create(
        actor=p.officer, name=name, credit_code=code, industry="制造业", size="medium", unit=unit or p.unit_a
    )


def test_wrong_check_digit_is_refused_and_nothing_stored(p: Personas) -> None:
    with pytest.raises(InvalidField) as e:
        make(p, code=CODE[:-1] + "7")
    assert e.value.field == "credit_code" and e.value.code == "check_digit" and "校验位" in e.value.message
    with pytest.raises(InvalidField):
        make(p, code="12345")
    assert not Enterprise.objects.exists()
    assert not Entry.objects.filter(action__startswith="enterprises").exists()


def test_registration_is_the_offices_and_codes_are_unique(p: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.enterprise_create(
            actor=p.head_a, name="x", credit_code=CODE, industry="制造业", size="small", unit=p.unit_a
        )
    e = make(p, code=" " + CODE.lower())
    assert e.credit_code == CODE and e.status == "normal"
    with pytest.raises(InvalidField):
        make(p)


def test_flags_drive_the_status_until_the_risk_is_closed(p: Personas) -> None:
    e = make(p)
    today = timezone.localdate()
    with pytest.raises(NotAllowed):
        services.flag_raise(actor=p.reporter_b, enterprise=e, kind="wages", note="拖欠工资两个月")
    with pytest.raises(InvalidField):
        services.flag_raise(
            actor=p.reporter_a,
            enterprise=e,
            kind="wages",
            note="拖欠工资",
            raised_on=today + timedelta(days=1),
        )
    f1 = services.flag_raise(
        actor=p.reporter_a,
        enterprise=e,
        kind="wages",
        note="拖欠工资两个月",
        raised_on=today - timedelta(days=10),
    )
    f2 = services.flag_raise(actor=p.officer, enterprise=e, kind="funding", note="银行抽贷，资金链紧张")
    e.refresh_from_db()
    assert e.status == "watched" and e.watched_since == today - timedelta(days=10)
    services.flag_close(actor=p.head_a, flag=f1, note="工资已全部补发")
    e.refresh_from_db()
    assert e.status == "watched"
    with pytest.raises(InvalidField):
        services.flag_close(
            actor=p.officer, flag=f2, note="已续贷", closed_on=f2.raised_on - timedelta(days=1)
        )
    services.flag_close(actor=p.officer, flag=f2, note="银行已续贷三千万")
    e.refresh_from_db()
    assert e.status == "resolved" and e.resolved_on == today
    assert Entry.objects.filter(action="enterprises.flag.closed").count() == 2


def test_team_visit_and_problem_to_task(p: Personas) -> None:
    e = make(p, unit=p.unit_b)
    head_a, reporter_a, leader = p.head_a.person, p.reporter_a.person, p.leader.person
    with pytest.raises(InvalidField):
        services.team_set(actor=p.officer, enterprise=e, members=[(head_a, "leader"), (leader, "leader")])
    with pytest.raises(NotAllowed):
        services.team_set(actor=p.leader, enterprise=e, members=[(head_a, "leader")])
    services.team_set(actor=p.officer, enterprise=e, members=[(leader, "leader"), (reporter_a, "member")])
    team = {m.person_id: m for m in TeamMember.objects.filter(enterprise=e)}
    assert team[leader.pk].role == "leader" and team[reporter_a.pk].post is not None
    # a team member from another unit may record a visit; the head of A, not on the team, may not
    with pytest.raises(NotAllowed):
        services.visit_record(
            actor=p.head_a,
            enterprise=e,
            visited_on=timezone.localdate(),
            visitors=[head_a],
            notes="走访了解生产情况",
        )
    v = services.visit_record(
        actor=p.reporter_a,
        enterprise=e,
        visited_on=timezone.localdate(),
        visitors=[reporter_a, leader],
        notes="企业反映用地指标不足",
    )
    with pytest.raises(NotAllowed):
        services.problem_create(
            actor=p.reporter_a, enterprise=e, text="协调用地指标", unit=p.unit_a, due=date.today()
        )
    due = timezone.localdate() + timedelta(days=20)
    pr = services.problem_create(
        actor=p.officer, enterprise=e, text="协调新增用地指标", unit=p.unit_a, due=due, visit=v
    )
    task = Task.objects.get(pk=pr.task_id)
    assert task.lead_unit == p.unit_a and task.due == due and task.source == "enterprise"
    assert task.source_ref == f"enterprises:{e.pk}" and e.name in task.title
    pr2 = services.problem_create(actor=p.officer, enterprise=e, text="协调融资担保", unit=p.unit_b, due=due)
    assert Task.objects.get(pk=pr2.task_id).plan_id == task.plan_id and Problem.objects.count() == 2


SEES = {"reporter_a", "head_a", "leader", "officer"}


@pytest.mark.parametrize("who", TABLE)
def test_pages_per_persona(p: Personas, who: str) -> None:
    e = make(p)
    services.flag_raise(actor=p.officer, enterprise=e, kind="halt", note="订单不足，半停产")
    c = client_for(getattr(p, who))
    r = c.get(f"/enterprises/{e.pk}/")
    if who == "anonymous":
        assert r.status_code == 302
        return
    assert r.status_code == (200 if who in SEES else 404)
    if who in SEES:
        body = r.content.decode()
        assert ('id="flag-form"' in body) == (who in {"reporter_a", "head_a", "officer"})
        assert ('id="problem-form"' in body) == (who == "officer")
    c.post(
        f"/enterprises/{e.pk}/flags/",
        {"kind": "wages", "raised_on": str(timezone.localdate()), "note": "拖欠工资一个月"},
    )
    assert RiskFlag.objects.filter(kind="wages").exists() == (who in {"reporter_a", "head_a", "officer"})


def test_new_page_refuses_a_wrong_check_digit(p: Personas) -> None:
    c = client_for(p.officer)
    data = {
        "name": "某公司",
        "credit_code": CODE[:-1] + "7",
        "industry": "制造业",
        "size": "small",
        "unit": p.unit_a.pk,
    }
    r = c.post("/enterprises/new/", data)
    assert r.status_code == 400 and "校验位" in r.content.decode() and not Enterprise.objects.exists()
    r = c.post("/enterprises/new/", {**data, "credit_code": CODE})
    assert r.status_code == 302 and Enterprise.objects.count() == 1
    assert (
        client_for(p.head_a)
        .post("/enterprises/new/", {**data, "credit_code": "91330100716105852F"})
        .status_code
        == 403
    )


CODES = ["914403001922038216", "91330100716105852F", "9144030071526726XG"]


def _body(i: int) -> str:
    from luoshi.enterprises.rules import CREDIT_ALPHABET, credit_check_char

    b = f"9132000{i:010d}"
    assert all(c in CREDIT_ALPHABET for c in b)
    return b + credit_check_char(b)


def test_list_and_api_query_counts(p: Personas) -> None:
    c = client_for(p.officer)
    counts: dict[str, list[int]] = {"page": [], "api": []}
    for n in (3, 30):
        while Enterprise.objects.count() < n:
            i = Enterprise.objects.count()
            e = make(p, code=_body(i), name=f"企业{i}")
            services.flag_raise(actor=p.officer, enterprise=e, kind="funding", note="资金链紧张，贷款到期")
        c.get("/enterprises/")
        with exact_queries(f"enterprises.list[officer /enterprises/]@{n}") as counted:
            r = c.get("/enterprises/")
        assert r.content.decode().count('href="/enterprises/') >= n
        counts["page"].append(counted.count)
        c.get("/api/v1/enterprises")
        with exact_queries(f"enterprises.api[officer /api/v1/enterprises]@{n}") as counted:
            r = c.get("/api/v1/enterprises")
        assert r.json()["count"] == n and r.json()["items"][0]["open_flags"] == 1
        counts["api"].append(counted.count)
    assert counts["page"][1] <= counts["page"][0] and counts["api"][1] <= counts["api"][0]


@pytest.mark.parametrize("who", TABLE)
def test_api_per_persona(p: Personas, who: str) -> None:
    e = make(p)
    c = client_for(getattr(p, who))
    r = c.get(f"/api/v1/enterprises/{e.pk}")
    if who == "anonymous":
        assert r.status_code == 401
        return
    assert r.status_code == (200 if who in SEES else 404)
    r = c.post(
        "/api/v1/enterprises",
        {
            "name": "新企业",
            "credit_code": "91330100716105852F",
            "industry": "软件",
            "size": "large",
            "unit_id": p.unit_a.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == (201 if who == "officer" else 403)


def test_api_wrong_check_digit_is_a_400(p: Personas) -> None:
    r = client_for(p.officer).post(
        "/api/v1/enterprises",
        {
            "name": "新企业",
            "credit_code": "91330100716105852G",
            "industry": "软件",
            "size": "large",
            "unit_id": p.unit_a.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "credit_code"


def test_update_changes_only_what_it_may(p: Personas) -> None:
    e = make(p)
    with pytest.raises(NotAllowed):
        services.enterprise_update(actor=p.head_a, enterprise=e, industry="软件")
    with pytest.raises(LuoshiError):
        services.enterprise_update(actor=p.officer, enterprise=e, credit_code="91330100716105852F")
    with pytest.raises(InvalidField):
        services.enterprise_update(actor=p.officer, enterprise=e, size="huge")
    services.enterprise_update(
        actor=p.officer, enterprise=e, industry=" 软件和信息技术服务业 ", unit=p.unit_b
    )
    e.refresh_from_db()
    assert (e.industry, e.unit_id, e.credit_code) == ("软件和信息技术服务业", p.unit_b.pk, CODE)
    assert Entry.objects.filter(action="enterprises.enterprise.updated").count() == 1


def test_visit_due_step_tells_the_team_once(p: Personas, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from luoshi.enterprises.reminders import visit_due_step
    from luoshi.notify.models import Outbox

    e = make(p)
    services.team_set(
        actor=p.officer, enterprise=e, members=[(p.leader.person, "leader"), (p.reporter_a.person, "member")]
    )
    today = timezone.localdate()
    services.flag_raise(
        actor=p.officer, enterprise=e, kind="funding", note="资金链紧张", raised_on=today - timedelta(days=40)
    )
    make(p, code="91330100716105852F", name="未列入关注的企业")
    assert visit_due_step(today - timedelta(days=11)) == {"overdue": 0, "queued": 0}
    assert visit_due_step(today) == {"overdue": 1, "queued": 2}
    assert visit_due_step(today) == {"overdue": 1, "queued": 0}
    assert set(
        Outbox.objects.filter(rule="enterprises.visit_due").values_list("recipient_id", flat=True)
    ) == {
        p.leader.pk,
        p.reporter_a.pk,
    }
    services.visit_record(
        actor=p.reporter_a,
        enterprise=e,
        visited_on=today,
        visitors=[p.reporter_a.person],
        notes="走访了解资金情况",
    )
    assert visit_due_step(today) == {"overdue": 0, "queued": 0}


def _edit_data(c: Any, e: Enterprise) -> dict[str, Any]:
    r = c.get(f"/enterprises/{e.pk}/edit/")
    assert r.status_code == 200
    form = r.context["form"]
    assert "credit_code" not in form.fields and CODE in r.content.decode()
    return {k: form.initial[k] for k in form.fields}


def test_edit_page_saves_only_what_changed_and_refuses_a_stale_edit(p: Personas) -> None:
    e = make(p)
    c = client_for(p.officer)
    assert 'id="enterprise-edit"' in c.get(f"/enterprises/{e.pk}/").content.decode()
    data = _edit_data(c, e) | {"industry": "软件和信息技术服务业", "phone": "13800138000"}
    r = c.post(f"/enterprises/{e.pk}/edit/", data)
    assert r.status_code == 302 and r["Location"] == f"/enterprises/{e.pk}/"
    e.refresh_from_db()
    assert (e.industry, e.phone, e.name, e.credit_code) == (
        "软件和信息技术服务业",
        "13800138000",
        "示范精密制造有限公司",
        CODE,
    )
    [entry] = Entry.objects.filter(action="enterprises.enterprise.updated")
    assert set(entry.after) == {"industry", "phone"} and "13800138000" not in str(entry.after)  # masked

    # Two editors load the page; the second saves first; the first one's save is refused (409) and
    # the form shows what is stored now. Nothing of the stale edit is written.
    first = _edit_data(c, e)
    second = _edit_data(client_for(p.officer), e)
    assert (
        client_for(p.officer)
        .post(f"/enterprises/{e.pk}/edit/", second | {"name": "示范精密（集团）"})
        .status_code
        == 302
    )
    r = c.post(f"/enterprises/{e.pk}/edit/", first | {"address": "高新区1号"})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    assert r.context["form"].initial["name"] == "示范精密（集团）"
    e.refresh_from_db()
    assert (e.name, e.address) == ("示范精密（集团）", "")
    assert Entry.objects.filter(action="enterprises.enterprise.updated").count() == 2


def test_edit_page_is_the_office_s(p: Personas) -> None:
    e = make(p)
    assert 'id="enterprise-edit"' not in client_for(p.head_a).get(f"/enterprises/{e.pk}/").content.decode()
    assert client_for(p.head_a).get(f"/enterprises/{e.pk}/edit/").status_code == 403
    data = {"name": "x", "industry": "y", "size": "small", "unit": p.unit_a.pk, "seen": "0"}
    assert client_for(p.head_a).post(f"/enterprises/{e.pk}/edit/", data).status_code == 403
    assert client_for(p.reporter_b).get(f"/enterprises/{e.pk}/edit/").status_code == 404
    r = client_for(p.officer).post(f"/enterprises/{e.pk}/edit/", data | {"name": " "})
    assert r.status_code == 400 and Enterprise.objects.get(pk=e.pk).name == "示范精密制造有限公司"
