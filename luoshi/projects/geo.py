"""A district boundary as GeoJSON: read and checked once when loaded, its polygons for point tests."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from luoshi.errors import InvalidField

MAX_BOUNDARY_BYTES = 5 * 1024 * 1024


def _polygons_of_geometry(geometry: Any) -> list[list[list[list[float]]]]:
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [coords] if coords else []
    if kind == "MultiPolygon":
        return list(coords or [])
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in _polygons_of_geometry(g)]
    return []


def polygons(geojson: Any) -> list[list[list[list[float]]]]:
    """Every polygon (outer ring, then holes) of a FeatureCollection, Feature or geometry."""
    if not isinstance(geojson, dict):
        return []
    if geojson.get("type") == "FeatureCollection":
        return [p for f in geojson.get("features", []) for p in polygons(f)]
    if geojson.get("type") == "Feature":
        return _polygons_of_geometry(geojson.get("geometry"))
    return _polygons_of_geometry(geojson)


def parse_boundary(data: bytes) -> dict[str, Any]:
    """The GeoJSON in `data`, checked: JSON, with at least one polygon of numeric coordinates.

    Returned as a FeatureCollection (what ECharts' registerMap takes)."""
    if len(data) > MAX_BOUNDARY_BYTES:
        raise InvalidField(_("边界文件过大。"), field="file")
    try:
        geojson = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidField(_("边界文件不是有效的 GeoJSON。"), field="file") from None
    found = polygons(geojson)
    try:
        ok = bool(found) and all(
            len(ring) >= 4
            and all(len(pt) >= 2 and all(isinstance(c, (int, float)) for c in pt[:2]) for pt in ring)
            for poly in found
            for ring in poly
        )
    except TypeError:
        ok = False
    if not ok:
        raise InvalidField(_("边界文件中没有有效的多边形。"), field="file")
    if geojson.get("type") == "Feature":
        geojson = {"type": "FeatureCollection", "features": [geojson]}
    elif geojson.get("type") != "FeatureCollection":
        geojson = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": geojson}],
        }
    return dict(geojson)
