"""The project pages in Chinese have no English, and in English no Chinese but the users' own data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.org.models import Post
from luoshi.projects import services
from luoshi.projects.models import Project, ProjectProblem, ProjectYear, StageChange
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, user_data, visible_text

from .factories import make_project

pytestmark = pytest.mark.django_db


def pages(p: Any) -> list[str]:
    project = make_project(p, name="智能制造产业园", protected=True, lat="31.2", lng="121.5")
    services.stage_met(
        actor=p.officer, project=project, stage="signed", met=date(2024, 1, 5), note="签约仪式举行"
    )
    services.investment_report(actor=p.officer, project=project, month=date(2024, 1, 1), amount=100)
    services.owner_assign(
        actor=p.officer, project=project, role="manager", post=Post.objects.get(unit=p.unit_a, role="head")
    )
    services.problem_add(
        actor=p.officer, project=project, title="用地指标不足", owner_unit=p.unit_b, deadline=date(2999, 1, 1)
    )
    upload = SimpleUploadedFile("清单.csv", "年度,项目名称,状态\n2024,智能制造产业园,在建\n".encode())
    batch = services.import_store(actor=p.officer, file=upload, year=2024)
    return [
        "/projects/",
        f"/projects/{project.pk}/",
        "/projects/board/",
        "/projects/?stage=signed&stuck=on",
        "/projects/import/",
        f"/projects/import/{batch.pk}/",
        "/projects/map/",
        "/projects/map/?color=light",
        "/projects/new/",
        f"/projects/{project.pk}/edit/",
    ]


def known() -> list[str]:
    data = set(user_data())
    data.update(Project.objects.values_list("name", flat=True))
    data.update(ProjectYear.objects.values_list("name", flat=True))
    data.update(ProjectProblem.objects.values_list("title", flat=True))
    data.update(StageChange.objects.values_list("note", flat=True))
    data.update({"在建", "清单.csv"})  # the status word and the file name as the user gave them
    return sorted((d for d in data if d), key=len, reverse=True)


def test_chinese_pages_have_no_english(p: Any) -> None:
    c = client_for(p.officer)
    codes = set(Project.objects.values_list("code", flat=True))
    for url in pages(p):
        resp = c.get(url)
        assert resp.status_code == 200, url
        words = english_words(resp.content.decode()) - codes - {"XM", "GeoJSON"}  # a file format, as xlsx
        assert not {w for w in words if not any(w in code for code in codes)}, (url, words)


def test_english_pages_have_no_chinese(p: Any) -> None:
    urls = pages(p)
    c = client_for(p.officer)
    c.cookies["django_language"] = "en"
    data = known()
    for url in urls:
        html = c.get(url).content.decode()
        assert '<html lang="en">' in html
        left = chinese_left(visible_text(html), data)
        assert not left, (url, left)
