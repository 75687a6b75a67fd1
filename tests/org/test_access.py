"""One access check per duty (luoshi/org/access.py): who passes each, and that the others get the
shared NotAllowed with the duty's (or the caller's) message."""

from __future__ import annotations

import pytest

from luoshi.errors import NotAllowed
from luoshi.org.access import (
    require_audit_admin,
    require_head,
    require_leader,
    require_officer,
    require_org_keeper,
    require_reporter,
)
from luoshi.org.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PERSONAS = ["reporter_a", "head_a", "reporter_b", "leader", "officer", "auditor", "sysadmin", "anonymous"]

# duty -> personas who pass it
PASSES = {
    "officer": {"officer"},
    "head": {"head_a"},
    "leader": {"leader", "officer"},
    "org_keeper": {"officer", "sysadmin"},
    "reporter": {"reporter_a", "head_a", "reporter_b"},
    "audit_admin": {"auditor"},
}
CHECKS = {
    "officer": require_officer,
    "head": require_head,
    "leader": require_leader,
    "org_keeper": require_org_keeper,
    "reporter": require_reporter,
    "audit_admin": require_audit_admin,
}


def _user(p, persona):  # type: ignore[no-untyped-def]
    if persona == "sysadmin":
        return make_user("sysadmin", unit=p.office, role=Role.SYSADMIN)
    return getattr(p, persona)


@pytest.mark.parametrize("duty", sorted(CHECKS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_passes_each_duty(p, persona, duty):
    user = _user(p, persona)
    check = CHECKS[duty]
    if persona in PASSES[duty]:
        assert check(user) is not None
    else:
        with pytest.raises(NotAllowed) as refused:
            check(user)
        assert refused.value.message


def test_head_of_a_given_unit(p):
    assert require_head(p.head_a, p.unit_a) is not None
    assert require_head(p.head_a, p.unit_a.pk) is not None
    with pytest.raises(NotAllowed):
        require_head(p.head_a, p.unit_b)
    with pytest.raises(NotAllowed):
        require_head(p.reporter_a, p.unit_a)  # a reporter of the unit is not its head


def test_superuser_is_an_officer_in_debug_mode_only(p, settings):
    settings.LUOSHI_SUPERUSER_BYPASS = True  # LUOSHI_DEBUG
    root = make_user("root", superuser=True)
    assert require_officer(root).superuser
    settings.LUOSHI_SUPERUSER_BYPASS = False  # production mode: the flag grants nothing (三权分立)
    root = make_user("root2", superuser=True)
    with pytest.raises(NotAllowed):
        require_officer(root)


def test_caller_message_is_kept(p):
    with pytest.raises(NotAllowed, match="只有督查室人员可以导入。"):
        require_officer(p.reporter_a, "只有督查室人员可以导入。")
    with pytest.raises(NotAllowed, match="只有督查室人员可以执行此操作。"):
        require_officer(p.reporter_a)


def test_services_use_the_duty_checks(p):
    """The former copies (work, imports, org keeping pages) refuse through the same helper."""
    from luoshi.imports.services import batch_create
    from luoshi.org.services_manage import person_add
    from luoshi.work.services import plan_create

    for call in (
        lambda: plan_create(actor=p.reporter_a, name="x", year=2024, start=None, due=None),
        lambda: batch_create(actor=p.reporter_a, kind="tasks", data=b"x", filename="a.csv"),
        lambda: person_add(actor=p.reporter_a, name="张三"),
    ):
        with pytest.raises(NotAllowed):
            call()
