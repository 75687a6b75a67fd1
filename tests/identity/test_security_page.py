"""The security admin's accounts page and the account holder's own page: who may, and query counts."""

from __future__ import annotations

import pytest

from luoshi.audit.models import Entry
from luoshi.identity import services
from luoshi.org.models import Role
from tests.factories import make_user
from tests.helpers import PERSONAS, client_for, exact_queries

from .helpers import enrol

URL = "/account/security/"


@pytest.fixture
def secadmin(p):  # type: ignore[no-untyped-def]
    return make_user("secadmin", unit=p.district, role=Role.SECADMIN, name="安全员")


@pytest.mark.parametrize("who", PERSONAS)
def test_only_the_security_admin_sees_the_accounts(p, secadmin, who):
    response = client_for(getattr(p, who)).get(URL)
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert client_for(secadmin).get(URL).status_code == 200


def test_accounts_show_locks_devices_and_search(p, secadmin):
    enrol(p.leader)
    for i in range(5):
        client_for(None).post("/login/", {"username": "reporter_b", "password": f"wrong-{i}"})
    c = client_for(secadmin)
    html = c.get(URL).content.decode()
    row_b = html.split(f'id="account-{p.reporter_b.pk}"')[1].split("</tr>")[0]
    assert "已锁定" in row_b and "解除锁定" in row_b
    row_leader = html.split(f'id="account-{p.leader.pk}"')[1].split("</tr>")[0]
    assert "已绑定" in row_leader and "重置动态口令" in row_leader
    found = c.get(URL, {"q": "乙填"}, HTTP_HX_REQUEST="true").content.decode()
    assert "reporter_b" in found and "reporter_a" not in found and "<h1>" not in found


def test_accounts_page_queries_do_not_grow(p, secadmin):
    c = client_for(secadmin)
    c.get(URL)
    with exact_queries("identity.accounts[secadmin /account/security/]@9") as few:
        assert c.get(URL).status_code == 200
    for i in range(25):
        enrol(make_user(f"extra{i:02d}"))
    with exact_queries("identity.accounts[secadmin /account/security/]@34") as many:
        assert c.get(URL).status_code == 200
    assert many.count <= few.count


def test_actions_reset_unlock_and_second_factor(p, secadmin):
    enrol(p.leader)
    c = client_for(secadmin)
    r = c.post(f"/account/security/{p.reporter_a.pk}/reset_password/")
    assert r.status_code == 200
    temporary = r.content.decode().split('id="temp-password">')[1].split("<")[0]
    p.reporter_a.refresh_from_db()
    assert p.reporter_a.check_password(temporary)
    assert c.post(f"/account/security/{p.leader.pk}/reset_totp/").status_code == 302
    assert not services.has_second_factor(p.leader)
    assert c.post(f"/account/security/{p.reporter_a.pk}/unlock/").status_code == 302
    assert c.post(f"/account/security/{p.reporter_a.pk}/nonsense/").status_code == 404
    assert c.get(f"/account/security/{p.reporter_a.pk}/unlock/").status_code == 405
    actions = set(Entry.objects.filter(actor=secadmin).values_list("action", flat=True))
    assert {"identity.password.reset", "identity.totp.reset", "identity.account.unlocked"} <= actions


def test_the_security_admin_cannot_reset_their_own_account(p, secadmin):
    r = client_for(secadmin).post(f"/account/security/{secadmin.pk}/reset_password/")
    assert r.status_code == 403


def test_other_roles_cannot_use_the_actions(p, secadmin):
    for who in ("officer", "auditor", "leader"):
        r = client_for(getattr(p, who)).post(f"/account/security/{p.reporter_a.pk}/reset_password/")
        assert r.status_code == 403, who
    p.reporter_a.refresh_from_db()
    assert p.reporter_a.check_password("pass-reporter_a")


@pytest.mark.parametrize("who", [w for w in PERSONAS if w != "anonymous"])
def test_everyone_has_an_account_page(p, who):
    response = client_for(getattr(p, who)).get("/account/")
    assert response.status_code == 200 and "修改口令" in response.content.decode()
