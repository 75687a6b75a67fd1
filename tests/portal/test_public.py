"""The public portal, tried as the public: an edit shows only once reviewed; feedback is moderated,
rate limited and spam resistant; the portal never shows internal notes or people's names."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.commitments import services as commitment_services
from luoshi.portal import rules
from luoshi.portal.forms import SALT
from luoshi.portal.models import Feedback, Publication, Snapshot, SnapshotState
from luoshi.portal.services import feedback_moderate, publications_sync, snapshot_review
from tests.commitments.helpers import accepted, commitment, publication_of, publish_all
from tests.factories import Personas
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def _form(html: str) -> dict[str, str]:
    """The feedback form's hidden token and the right answer to its question."""
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None, html[-2000:]
    a, b, op, _nonce = signing.loads(token.group(1), salt=SALT)
    return {"token": token.group(1), "answer": str(rules.challenge_answer(a, b, op))}


def _post_feedback(client: Client, pk: int, body: str = "建议加快进度，早日建成。", **extra: str) -> Any:
    url = reverse("portal:item", args=[pk])
    fields = _form(client.get(url).content.decode())
    return client.post(url, {"body": body, "contact": "", "website": "", **fields, **extra})


def test_an_edited_commitment_shows_its_old_version_until_reviewed(p: Personas) -> None:
    c = commitment(p, title="年内建成智慧停车平台")
    public = Client()
    unit_url = reverse("portal:unit", args=[p.unit_a.pk])
    # not yet reviewed: nothing public at all
    assert public.get(unit_url).status_code == 404
    assert "智慧停车" not in public.get(reverse("portal:home")).content.decode()
    publish_all(p)
    assert "年内建成智慧停车平台" in public.get(unit_url).content.decode()

    commitment_services.commitment_update(
        actor=p.officer,
        commitment=c,
        version=c.version,
        reason="调整范围",
        changes={"title": "年内建成全区智慧停车平台二期"},
    )
    for url in (unit_url, reverse("portal:home"), reverse("portal:item", args=[publication_of(c).pk])):
        body = public.get(url).content.decode()
        assert "二期" not in body, url
    assert "年内建成智慧停车平台" in public.get(unit_url).content.decode()
    assert "找到 0 项" in public.get(reverse("portal:search"), {"q": "二期"}).content.decode()
    assert (
        public.get(reverse("api-v1:public_items")).json()["items"][0]["data"]["title"]
        == "年内建成智慧停车平台"
    )

    pending = Snapshot.objects.get(state=SnapshotState.PENDING)
    snapshot_review(actor=p.officer, snapshot=pending, publish=False, note="表述需与会议纪要一致")
    assert "二期" not in public.get(unit_url).content.decode()  # rejected: the old version stays

    commitment_services.commitment_update(
        actor=p.officer,
        commitment=c,
        version=c.version + 1,
        reason="按会议纪要",
        changes={"title": "年内建成全区智慧停车平台二期工程"},
    )
    snapshot_review(actor=p.officer, snapshot=Snapshot.objects.get(state=SnapshotState.PENDING), publish=True)
    body = public.get(unit_url).content.decode()
    assert "年内建成全区智慧停车平台二期工程" in body and "年内建成智慧停车平台<" not in body


def test_search_finds_only_reviewed_wording(p: Personas) -> None:
    c = commitment(p, title="新建社区养老服务中心")
    publish_all(p)
    commitment_services.commitment_update(
        actor=p.officer, commitment=c, version=1, reason="更名", changes={"title": "新建社区嵌入式托育中心"}
    )
    public = Client()
    assert 'id="search-results"' in (
        body := public.get(reverse("portal:search"), {"q": "养老"}).content.decode()
    )
    assert "新建社区养老服务中心" in body
    assert "找到 0 项" in public.get(reverse("portal:search"), {"q": "托育"}).content.decode()
    # by pinyin, and by pinyin initials
    assert "新建社区养老服务中心" in public.get(reverse("portal:search"), {"q": "yanglao"}).content.decode()
    assert "新建社区养老服务中心" in public.get(reverse("portal:search"), {"q": "ylfw"}).content.decode()


def test_compliance_shows_only_accepted_statements_without_internal_notes(p: Personas) -> None:
    c = commitment(p)
    accepted(p, c, "2026Q1", "on_track", "已完成招标")
    row = commitment_services.compliance_submit(
        actor=p.reporter_a, commitment=c, period="2026Q2", state="fulfilled", note="平台已上线"
    )
    commitment_services.compliance_review(
        actor=p.officer, compliance=row, accept=False, note="内部意见：证据不足"
    )
    publish_all(p)
    body = Client().get(reverse("portal:unit", args=[p.unit_a.pk])).content.decode()
    assert "已完成招标" in body
    assert "平台已上线" not in body and "证据不足" not in body
    for name in ("甲填报员", "督查员", "甲局长"):
        assert name not in body


def test_feedback_is_held_for_moderation_then_shown_with_the_reply(p: Personas) -> None:
    c = commitment(p)
    publish_all(p)
    pub = publication_of(c)
    public = Client()
    response = _post_feedback(public, pub.pk, body="希望公布停车场接入清单。")
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert fb.state == "pending" and fb.address_hash and "127.0.0.1" not in fb.address_hash
    page = public.get(reverse("portal:item", args=[pub.pk])).content.decode()
    assert "希望公布停车场接入清单" not in page
    feedback_moderate(actor=p.officer, feedback=fb, approve=True, reply="接入清单将于月底公布。")
    page = public.get(reverse("portal:item", args=[pub.pk])).content.decode()
    assert "希望公布停车场接入清单" in page and "接入清单将于月底公布" in page
    assert Entry.objects.filter(action="portal.feedback.received").count() == 1


def test_feedback_over_the_rate_limit_is_refused_and_nothing_stored(p: Personas) -> None:
    c = commitment(p)
    publish_all(p)
    pub = publication_of(c)
    public = Client()
    for i in range(2):
        assert _post_feedback(public, pub.pk, body=f"第{i + 1}条留言内容").status_code == 302
    response = _post_feedback(public, pub.pk, body="第三条留言内容")
    assert response.status_code == 400
    body = response.content.decode()
    assert "留言过于频繁" in body and "分钟后再试" in body
    assert Feedback.objects.count() == 2
    assert not Feedback.objects.filter(body="第三条留言内容").exists()
    # another address is not limited
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _post_feedback(other, pub.pk, body="另一地址的留言").status_code == 302


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"website": "http://spam.example"}, "提交被拒绝"),
        ({"answer": "999"}, "答案不正确"),
        ({"token": "forged"}, "验证问题无效"),
    ],
)
def test_spam_is_refused(p: Personas, extra: dict[str, str], message: str) -> None:
    c = commitment(p)
    publish_all(p)
    response = _post_feedback(Client(), publication_of(c).pk, **extra)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_on_an_unpublished_item_is_404(p: Personas) -> None:
    c = commitment(p)
    pub = publication_of(c)
    assert Client().get(reverse("portal:item", args=[pub.pk])).status_code == 404
    assert Client().post(reverse("portal:item", args=[pub.pk]), {"body": "x"}).status_code == 404


def test_public_tasks_are_collected_reviewed_and_withdrawn(p: Personas) -> None:
    plan = p.plan(name="公开计划", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    task = p.task(plan, title="建成城市书房十座", unit=p.unit_a, is_public=True)
    p.task(plan, title="内部事项不公开", unit=p.unit_a)
    assert publications_sync(date(2026, 6, 1)) == {"proposed": 1, "withdrawn": 0}
    assert publications_sync(date(2026, 6, 1)) == {"proposed": 0, "withdrawn": 0}
    assert "城市书房" not in Client().get(reverse("portal:home")).content.decode()
    publish_all(p)
    home = Client().get(reverse("portal:home")).content.decode()
    assert "建成城市书房十座" in home and "内部事项不公开" not in home
    from luoshi.work.models import Task

    Task.objects.filter(pk=task.pk).update(is_public=False)
    assert publications_sync(date(2026, 6, 2))["withdrawn"] == 1
    assert "城市书房" not in Client().get(reverse("portal:home")).content.decode()


def test_cached_pages_are_invalidated_by_a_review(p: Personas) -> None:
    commitment(p, title="第一项承诺")
    publish_all(p)
    public = Client()
    url = reverse("portal:unit", args=[p.unit_a.pk])
    assert public.get(url)["X-Portal-Cache"] == "miss"
    assert public.get(url)["X-Portal-Cache"] == "hit"
    commitment(p, title="第二项承诺")
    assert "第二项承诺" not in public.get(url).content.decode()
    publish_all(p)
    response = public.get(url)
    assert response["X-Portal-Cache"] == "miss" and "第二项承诺" in response.content.decode()


def test_withdrawn_items_leave_the_portal(p: Personas) -> None:
    from luoshi.portal.services import publication_withdraw

    c = commitment(p)
    publish_all(p)
    publication_withdraw(actor=p.officer, publication=publication_of(c), reason="重复发布")
    assert Client().get(reverse("portal:unit", args=[p.unit_a.pk])).status_code == 404
    assert Publication.objects.get().withdrawn


def test_portal_pages_need_no_login(p: Personas) -> None:
    commitment(p)
    publish_all(p)
    public = Client()
    for url in (reverse("portal:home"), reverse("portal:catalogues"), reverse("portal:search")):
        response = public.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["reporter_a", "officer", "anonymous"])
def test_everyone_sees_the_same_public_page(p: Personas, who: str) -> None:
    commitment(p, title="同一公开版本")
    publish_all(p)
    body = client_for(getattr(p, who)).get(reverse("portal:unit", args=[p.unit_a.pk])).content.decode()
    assert "同一公开版本" in body


def test_cached_pages_carry_no_form_token_and_switch_language_by_link(p: Personas) -> None:
    commitment(p)
    publish_all(p)
    public = Client(enforce_csrf_checks=True)
    home = public.get(reverse("portal:home")).content.decode()
    assert "csrfmiddlewaretoken" not in home
    r = public.get(reverse("portal:language"), {"lang": "en", "next": reverse("portal:catalogues")})
    assert r.status_code == 302 and r["Location"] == reverse("portal:catalogues")
    assert '<html lang="en">' in public.get(reverse("portal:home")).content.decode()
    r = public.get(reverse("portal:language"), {"lang": "zh-hans", "next": "https://evil.example/"})
    assert r["Location"] == reverse("portal:home")
    assert '<html lang="zh-hans">' in public.get(reverse("portal:home")).content.decode()


def test_home_lists_the_first_units_and_links_all(p: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    from luoshi.portal import views

    monkeypatch.setattr(views, "HOME_UNITS", 1)
    commitment(p, unit=p.unit_a, title="甲的承诺")
    commitment(p, unit=p.unit_b, title="乙的承诺")
    publish_all(p)
    home = Client().get(reverse("portal:home")).content.decode()
    assert home.count('class="p-card"') == 1 and "查看全部 2 个单位" in home
    everything = Client().get(reverse("portal:units")).content.decode()
    assert everything.count('class="p-card"') == 2


def test_the_appeal_link_follows_the_appeals_form(p: Personas) -> None:
    from django.urls import Resolver404, resolve

    from luoshi.portal.views import APPEAL_FORM, appeal_url

    try:
        resolve(APPEAL_FORM)
        served = True
    except Resolver404:
        served = False
    assert appeal_url() == (APPEAL_FORM if served else "")
    html = Client().get(reverse("portal:home")).content.decode()
    assert (f'href="{APPEAL_FORM}"' in html) is served


def test_the_appeal_link_shows_once_the_form_is_served(p: Personas, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.portal.urls_with_appeals"
    from luoshi.portal.views import APPEAL_FORM, appeal_url

    assert appeal_url() == APPEAL_FORM
    assert f'href="{APPEAL_FORM}"' in Client().get(reverse("portal:home")).content.decode()
