"""The portal's and commitments' pages: Chinese pages show no English, English pages no Chinese but
the users' own data."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.commitments.models import CatalogueItem, Commitment, Compliance
from luoshi.commitments.services import ItemRow, catalogue_import
from luoshi.org.models import Person, Unit
from luoshi.portal.models import Feedback, Publication
from luoshi.portal.services import feedback_moderate, feedback_submit
from tests.commitments.helpers import accepted, commitment, publication_of, publish_all
from tests.factories import Personas
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

pytestmark = pytest.mark.django_db


def _known() -> list[str]:
    # the column names a catalogue table must carry, quoted as they are in the English hint
    data: set[str] = {
        "简体中文",
        *(f"“{w}”" for w in ("编号", "序号", "事项名称", "设定依据", "责任岗位", "运行流程")),
    }
    for model, fields in (
        (Commitment, ("title", "measure", "session")),
        (Compliance, ("note",)),
        (CatalogueItem, ("name", "basis", "post", "process", "code")),
        (Unit, ("name", "short_name")),
        (Person, ("name",)),
        (Feedback, ("body", "reply")),
        (Publication, ("title",)),
    ):
        for f in fields:
            data.update(model.objects.values_list(f, flat=True))
    return sorted((d for d in data if d), key=len, reverse=True)


def test_pages_in_both_languages(p: Personas) -> None:
    c = commitment(p, title="年内建成智慧停车平台", deadline=date(2030, 1, 1))
    accepted(p, c, "2026Q1", "on_track", "完成招标")
    catalogue_import(
        actor=p.officer,
        unit=p.unit_a,
        kind="power",
        rows=[ItemRow("QL-1", "行政许可", "许可法", "审批科", "受理")],
    )
    publish_all(p)
    fb = feedback_submit(publication_id=publication_of(c).pk, body="请公开进度", address="10.0.0.1")
    feedback_moderate(actor=p.officer, feedback=fb, approve=True, reply="已公开")
    cat = Publication.objects.get(kind="catalogue")
    public_urls = [
        reverse("portal:home"),
        reverse("portal:units"),
        reverse("portal:unit", args=[p.unit_a.pk]),
        reverse("portal:catalogues"),
        reverse("portal:search") + "?q=zhihui",
        reverse("portal:item", args=[publication_of(c).pk]),
        reverse("portal:item", args=[cat.pk]),
    ]
    office_urls = [
        reverse("portal_office:review"),
        reverse("portal_office:feedback") + "?state=approved",
        reverse("portal_office:publications"),
        reverse("commitments:list"),
        reverse("commitments:detail", args=[c.pk]),
        reverse("commitments:queue"),
        reverse("commitments:catalogues"),
    ]
    known = _known()
    codes = set(Unit.objects.values_list("code", flat=True)) | {"QL", "2026Q1", "zhihui"}
    for user, urls in ((None, public_urls), (p.officer, office_urls)):
        zh, en = (Client(), Client()) if user is None else (client_for(user), client_for(user))
        en.cookies["django_language"] = "en"
        for url in urls:
            html = zh.get(url).content.decode()
            assert not (english_words(html) - codes), (url, english_words(html) - codes)
            english = en.get(url).content.decode()
            assert '<html lang="en">' in english, url
            assert not chinese_left(visible_text(english), known), (
                url,
                chinese_left(visible_text(english), known),
            )
