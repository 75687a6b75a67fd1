"""Separation of duties (三权分立): each admin duty is refused outside its duty; no account holds two
duties or a duty and a business role; a superuser bypasses nothing in production mode."""

from __future__ import annotations

import json
from datetime import date

import pytest

from luoshi.errors import LuoshiError, NotAllowed
from luoshi.org.models import Post, Role
from luoshi.org.services import membership_start
from luoshi.org.services_manage import holder_start, post_update
from tests.factories import make_user
from tests.helpers import client_for


@pytest.fixture
def admins(p):  # type: ignore[no-untyped-def]
    return {
        "sysadmin": make_user("sysadmin", unit=p.district, role=Role.SYSADMIN),
        "secadmin": make_user("secadmin", unit=p.district, role=Role.SECADMIN),
        "auditadmin": p.auditor,
    }


# What each page or endpoint is for, and the one duty (or business role) it belongs to.
AUDIT = "/audit/"
ORG = "/org/units/"
SECURITY = "/account/security/"


@pytest.mark.parametrize(
    "duty, allowed",
    [("sysadmin", {ORG}), ("secadmin", {SECURITY}), ("auditadmin", {AUDIT})],
)
def test_each_admin_duty_refused_outside_its_duty(p, admins, duty, allowed):
    user = admins[duty]
    c = client_for(user)
    for url in (AUDIT, ORG, SECURITY):
        assert c.get(url).status_code == (200 if url in allowed else 403), (duty, url)
    # No business data: the tasks of the duty's own unit (the district) are neither listed nor editable.
    plan = p.plan()
    task = p.task(plan, unit=p.district)
    assert c.get(f"/work/tasks/{task.pk}/").status_code == 404
    assert str(task.title) not in c.get("/work/tasks/").content.decode()
    patch = c.patch(
        f"/api/v1/tasks/{task.pk}",
        data=json.dumps({"version": task.version, "title": "改"}),
        content_type="application/json",
    )
    assert patch.status_code in (403, 404), (duty, patch.status_code)
    listed = c.get("/api/v1/tasks").json()
    assert all(x["id"] != task.pk for x in listed["items"]), duty


def test_business_roles_refused_the_admin_pages(p):
    for who in ("reporter_a", "head_a", "leader", "officer"):
        c = client_for(getattr(p, who))
        assert c.get(AUDIT).status_code == 403, who
        assert c.get(SECURITY).status_code == 403, who


def test_superuser_bypasses_nothing_in_production_mode(p, settings):
    settings.LUOSHI_SUPERUSER_BYPASS = False  # what settings.py sets without LUOSHI_DEBUG
    root = make_user("root", superuser=True)
    plan = p.plan()
    task = p.task(plan)
    c = client_for(root)
    assert c.get(AUDIT).status_code == 403
    assert c.get(SECURITY).status_code == 403
    assert c.get(ORG).status_code == 403
    assert c.get(f"/work/tasks/{task.pk}/").status_code == 404
    patch = c.patch(
        f"/api/v1/tasks/{task.pk}",
        data=json.dumps({"version": task.version, "title": "改"}),
        content_type="application/json",
    )
    assert patch.status_code in (403, 404)


def test_superuser_acts_as_every_role_in_debug_mode(p, settings):
    settings.LUOSHI_SUPERUSER_BYPASS = True
    root = make_user("root", superuser=True)
    c = client_for(root)
    assert c.get(AUDIT).status_code == 200
    assert c.get(SECURITY).status_code == 200


def _post(unit, role):  # type: ignore[no-untyped-def]
    return Post.objects.create(unit=unit, title=str(Role(role).label), role=role)


@pytest.mark.parametrize(
    "held, new",
    [
        (Role.AUDITADMIN, Role.OFFICER),  # the case: an audit admin may not hold an officer post
        (Role.OFFICER, Role.AUDITADMIN),
        (Role.SYSADMIN, Role.SECADMIN),
        (Role.SECADMIN, Role.AUDITADMIN),
        (Role.REPORTER, Role.SYSADMIN),
        (Role.SYSADMIN, Role.LEADER),
    ],
)
def test_no_account_holds_a_duty_beside_another_role(p, held, new):
    user = make_user(f"u_{held}_{new}", unit=p.office, role=held)
    with pytest.raises(LuoshiError):
        membership_start(actor=None, person=user.person, post=_post(p.office, new), start=date(2026, 1, 1))


def test_business_roles_combine_freely(p):
    membership_start(
        actor=None, person=p.reporter_a.person, post=_post(p.unit_b, Role.HEAD), start=date(2026, 1, 1)
    )


def test_changing_a_posts_role_is_checked_for_its_holders(p, admins):
    # The officer's post would become an audit admin post while its holder is also… only an officer:
    # allowed alone, refused once the holder has another post.
    extra = _post(p.unit_a, Role.REPORTER)
    membership_start(actor=None, person=p.officer2.person, post=extra, start=date(2026, 1, 1))
    officer_post = p.officer2.person.memberships.get(post__role=Role.OFFICER).post
    with pytest.raises(LuoshiError):
        post_update(actor=admins["sysadmin"], post=officer_post, role=Role.AUDITADMIN)


def test_an_admin_does_not_hand_a_duty_to_themself(p, admins):
    sysadmin = admins["sysadmin"]
    with pytest.raises(NotAllowed):
        holder_start(
            actor=sysadmin,
            person=sysadmin.person,
            post=_post(p.district, Role.SYSADMIN),
            start=date(2026, 1, 1),
        )


def test_only_the_system_admin_hands_out_duties(p, admins):
    with pytest.raises(NotAllowed):
        holder_start(
            actor=p.officer,
            person=p.reporter_b.person,
            post=_post(p.district, Role.SECADMIN),
            start=date(2026, 1, 1),
        )
    newcomer = make_user("newcomer")
    holder_start(
        actor=admins["sysadmin"],
        person=newcomer.person,
        post=_post(p.district, Role.SECADMIN),
        start=date(2026, 1, 1),
    )
