"""The project map (一张图): the boundary loaded from a file (page or CLI), points in or out of it, the
map page per persona with its query count, and the import's point check."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from luoshi.errors import InvalidField, NotAllowed
from luoshi.projects import importer, rules, services
from luoshi.projects.models import Boundary, Project
from tests.helpers import client_for, exact_queries, personas

from .factories import make_project

# A square district 114.0–114.2 E, 30.5–30.7 N with a hole 114.09–114.11 E, 30.59–30.61 N.
SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "示范区"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[114.0, 30.5], [114.2, 30.5], [114.2, 30.7], [114.0, 30.7], [114.0, 30.5]],
                    [[114.09, 30.59], [114.11, 30.59], [114.11, 30.61], [114.09, 30.61], [114.09, 30.59]],
                ],
            },
        }
    ],
}
DATA = json.dumps(SQUARE).encode()
SAMPLE_GEO = Path(__file__).parent.parent / "data" / "projects" / "wuhan_420100_districts.geojson"


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        (114.1, 30.55, True),
        (114.1, 30.6, False),
        (114.3, 30.6, False),
        (113.9, 30.6, False),
        (114.15, 30.69, True),
    ],
)
def test_in_polygons(x: float, y: float, inside: bool) -> None:
    from luoshi.projects.geo import polygons

    assert rules.in_polygons(x, y, polygons(SQUARE)) is inside


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(0.1, 5), st.floats(0.1, 5))
def test_in_ring_of_a_rectangle(x: float, y: float, w: float, h: float) -> None:
    ring = [[0, 0], [w, 0], [w, h], [0, h], [0, 0]]
    strictly = 0 < x < w and 0 < y < h
    outside = x < 0 or x > w or y < 0 or y > h
    if strictly:
        assert rules.in_ring(x, y, ring)
    if outside:
        assert not rules.in_ring(x, y, ring)


@pytest.mark.django_db
def test_boundary_set_checks_the_file(p: Any) -> None:
    for bad in (
        b"not json",
        b'{"type": "Point", "coordinates": [1, 2]}',
        b'{"type": "Polygon", "coordinates": [[["a"]]]}',
    ):
        with pytest.raises(InvalidField):
            services.boundary_set(actor=p.officer, name="区", data=bad)
    with pytest.raises(NotAllowed):
        services.boundary_set(actor=p.head_a, name="区", data=DATA)
    assert not Boundary.objects.exists()
    services.boundary_set(actor=p.officer, name="示范区", data=json.dumps(SQUARE["features"][0]).encode())
    assert json.loads(Boundary.objects.get().geojson)["type"] == "FeatureCollection"


@pytest.mark.django_db
def test_cli_loads_the_sample_boundary(p: Any) -> None:
    out = io.StringIO()
    call_command("import_boundary", str(SAMPLE_GEO), "--name", "武汉市", "--as", "officer", stdout=out)
    assert "loaded" in out.getvalue()
    assert len(json.loads(Boundary.objects.get().geojson)["features"]) == 13
    with pytest.raises(CommandError):
        call_command("import_boundary", str(SAMPLE_GEO) + ".missing", "--as", "officer")


@pytest.mark.django_db
def test_import_refuses_a_point_outside_the_district(p: Any) -> None:
    services.boundary_set(actor=p.officer, name="示范区", data=DATA)
    data = (
        "年度,项目名称,状态,纬度,经度\n2024,甲项目,在建,30.55,114.1\n2024,乙项目,在建,31.5,114.1\n".encode()
    )
    result = importer.preview(data, filename="a.csv")
    (problem,) = result.problems
    assert (problem.row, problem.column) == (3, "纬度") and "示范区" in problem.message
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", personas())
def test_map_page_per_persona(p: Any, who: str) -> None:
    services.boundary_set(actor=p.officer, name="示范区", data=DATA)
    make_project(p, name="甲地项目", lat="30.55", lng="114.1")
    make_project(p, name="乙地项目", unit=p.unit_b, lat="30.65", lng="114.15")
    response = client_for(getattr(p, who)).get("/projects/map/?color=light")
    if who == "anonymous":
        assert response.status_code == 302
        return
    names = {pt["name"] for pt in response.context["map"]["points"]}
    assert ("甲地项目" in names) is (who in {"reporter_a", "head_a", "leader", "officer"})
    assert ("乙地项目" in names) is (who in {"reporter_b", "officer"})
    assert response.context["map"]["boundary"]["features"][0]["properties"]["name"] == "示范区"
    assert ('id="boundary-form"' in response.content.decode()) is (who == "officer")


@pytest.mark.django_db
def test_boundary_upload_page(p: Any) -> None:
    upload = SimpleUploadedFile("district.geojson", DATA)
    assert (
        client_for(p.head_a).post("/projects/map/boundary/", {"name": "区", "file": upload}).status_code
        == 403
    )
    client_for(p.officer).post(
        "/projects/map/boundary/", {"name": "示范区", "file": SimpleUploadedFile("d.geojson", DATA)}
    )
    assert Boundary.objects.get().name == "示范区"


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_map_query_count(p: Any, size: int) -> None:
    services.boundary_set(actor=p.officer, name="示范区", data=DATA)
    for i in range(size):
        make_project(p, lat=f"30.{55 + i % 10}", lng="114.1")
    c = client_for(p.officer)
    c.get("/projects/map/")
    with exact_queries(f"projects.map[officer /projects/map/]@{size}"):
        response = c.get("/projects/map/")
    assert len(response.context["map"]["points"]) == size
