"""The region key (区域键): which region a row belongs to, for sharding by region (docs/scaling.md).

A region is a district-level unit (区/县, `UnitCategory.DISTRICT`): a unit's region is its nearest
district-level ancestor-or-self, or the root of its tree when it has none (an install's province or
city root is itself typed 区 and is the region of the province's own plans). `org.Unit.region` stores
it; every region-scoped table carries `region` (a `RegionKey`), derived from the row's parent when
the writer does not set it:

- `save()` and `bulk_create` call `RegionKey.pre_save`, which takes the parent's `region_id` (the
  related object when it is loaded, else one query by its id);
- `lib.bulk.model_rows` (COPY paths: the bench generator, large imports) calls `fill_regions`, one
  query per 10,000 distinct parents.

The column is NOT NULL, so a write path that leaves it unset fails loudly instead of writing a row no
shard would own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib.ids import id_batches


class RegionKey(models.ForeignKey):  # type: ignore[type-arg]
    """`region`: the region (an `org.Unit`) of the row, from `source`, the first of the named
    foreign keys that is set (e.g. `("task",)`, `("report", "claim")`, `("owner_unit",)`); with
    `root_fallback`, the root region (`root_region_id`) when none is."""

    def __init__(
        self, *args: Any, source: Sequence[str] = (), root_fallback: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("to", "org.Unit")
        kwargs.setdefault("on_delete", models.PROTECT)
        kwargs.setdefault("related_name", "+")
        kwargs.setdefault("verbose_name", _("区域"))
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)  # validation never asks for it: pre_save fills it
        self.source = tuple(source)
        # A row none of whose sources is set (an appeal not routed yet, a message about no task)
        # belongs to the install's root region, as a plan no unit owns does.
        self.root_fallback = root_fallback
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if getattr(model_instance, self.attname) is None and self.source:
            setattr(model_instance, self.attname, region_of_row(model_instance, self.source))
        return super().pre_save(model_instance, add)


def region_key(model: type[models.Model]) -> RegionKey | None:
    """The model's region key field, or None for a table that is not region-scoped."""
    for f in model._meta.concrete_fields:
        if isinstance(f, RegionKey):
            return f
    return None


def _model(field: models.ForeignKey) -> type[models.Model]:  # type: ignore[type-arg]
    related = field.related_model
    assert not isinstance(related, str), field
    return related


def _parent_region(related_model: type[models.Model], pk: Any) -> Any:
    if related_model._meta.label_lower == "org.unit":
        return unit_region_id(pk)
    return related_model._default_manager.filter(pk=pk).values_list("region_id", flat=True).first()


def region_of_row(instance: models.Model, source: Sequence[str]) -> Any:
    """The region id of an unsaved row, from the first of its `source` foreign keys that is set."""
    for name in source:
        field = instance._meta.get_field(name)
        assert isinstance(field, models.ForeignKey), name
        pk = getattr(instance, field.attname)
        if pk is None:
            continue
        related = _model(field)
        if field.is_cached(instance):
            parent = getattr(instance, name)
            found = getattr(parent, "region_id", None)
            if found is not None:
                return found
            if related._meta.label_lower == "org.unit":
                return unit_region_id(pk)  # a unit saved without its region
        return _parent_region(related, pk)
    if _falls_back_to_root(type(instance)):
        return root_region_id()
    return None


def _falls_back_to_root(model: type[models.Model]) -> bool:
    key = region_key(model)
    return model._meta.label_lower == "work.plan" or bool(key is not None and key.root_fallback)


def unit_region_id(unit_id: Any) -> Any:
    """The unit's stored region; for a unit written without one (not through the unit services),
    derived from its path as `org.services` would."""
    from luoshi.org.models import Unit, UnitCategory
    from luoshi.work.paths import path_ids

    row = Unit.objects.filter(pk=unit_id).values_list("region_id", "path").first()
    if row is None or row[0] is not None:
        return None if row is None else row[0]
    above = path_ids(row[1]) or [unit_id]
    district = (
        Unit.objects.filter(pk__in=above, category=UnitCategory.DISTRICT)
        .order_by("-depth")
        .values_list("pk", flat=True)
        .first()
    )
    return district or above[0]


def root_region_id() -> Any:
    """The region of a plan no unit owns: the install's first root unit's region."""
    from luoshi.org.models import Unit

    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("region_id", "pk").first()
    return None if root is None else (root[0] or root[1])


def fill_regions(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Set `region_id` in row dicts (COPY paths) that lack it, from their source ids, set-based."""
    key = region_key(model)
    if key is None:
        return
    missing = [r for r in rows if r.get("region_id") is None]
    for name in key.source:
        if not missing:
            return
        field = model._meta.get_field(name)
        assert isinstance(field, models.ForeignKey), name
        attname = field.attname
        ids = sorted({r[attname] for r in missing if r.get(attname) is not None})
        found: dict[Any, Any] = {}
        for batch in id_batches(ids):
            found.update(
                _model(field)
                ._default_manager.filter(pk__in_ids=batch)
                .order_by()
                .values_list("pk", "region_id")
            )
        for r in missing:
            if r.get(attname) is not None:
                r["region_id"] = found.get(r[attname])
        missing = [r for r in missing if r.get("region_id") is None]
    if missing and _falls_back_to_root(model):
        root = root_region_id()
        for r in missing:
            r["region_id"] = root


def office_unit_id(actor: Any, *, root: bool = True) -> Any:
    """The unit of the actor's office (督查室 / 考核办), for the rows an office owns that name no unit
    of their own (assessment schemes, rating rounds: their `office`, whose region is theirs): the unit
    of the actor's current officer post (the lowest id when several), else the install's first root
    (None with `root=False`)."""
    from luoshi.org.models import Membership, Role, Unit

    person = getattr(actor, "person", None) if actor is not None else None
    if person is not None:
        found = (
            Membership.objects.current()
            .filter(person_id=person.pk, post__role=Role.OFFICER)
            .order_by("post__unit_id")
            .values_list("post__unit_id", flat=True)
            .first()
        )
        if found is not None:
            return found
    if not root:
        return None
    return Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()


def key_rows(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Set `region_id` on unsaved instances (a `bulk_create` of many rows) that lack it, set-based:
    one query per source model instead of `RegionKey.pre_save`'s one per row whose parent is not
    loaded."""
    rows = [
        {
            **{f.attname: getattr(o, f.attname) for f in _sources(model)},
            "region_id": getattr(o, "region_id", None),
        }
        for o in instances
    ]
    fill_regions(model, rows)
    for o, r in zip(instances, rows, strict=True):
        o.region_id = r["region_id"]  # type: ignore[attr-defined]


def _sources(model: type[models.Model]) -> list[models.ForeignKey]:  # type: ignore[type-arg]
    key = region_key(model)
    out = []
    for name in key.source if key is not None else ():
        field = model._meta.get_field(name)
        assert isinstance(field, models.ForeignKey), name
        out.append(field)
    return out


def move_region(instance: models.Model, region_id: Any) -> int:
    """Put `instance` and every row whose key derives from it (its children, theirs, …: each keyed
    model whose first set source points at a moved row) in `region_id`, set-based, one UPDATE per
    table; for a parent whose unit moved to another district (a project's lead unit, an enterprise's
    unit, an appeal's). Audit entries keep the region they were written in. Returns the rows moved."""
    from django.apps import apps

    keyed = [m for m in apps.get_models(include_auto_created=True) if region_key(m) is not None]
    moved = type(instance)._base_manager.filter(pk=instance.pk).update(region_id=region_id)
    instance.region_id = region_id  # type: ignore[attr-defined]
    parents: list[tuple[type[models.Model], Any, int]] = [(type(instance), [instance.pk], 0)]
    while parents:
        parent, ids, depth = parents.pop()
        assert depth < 10, "a region key's sources should not form a cycle"
        for model in keyed:
            if model is type(instance) or model._meta.app_label == "audit":
                continue
            key = region_key(model)
            assert key is not None
            for i, field in enumerate(_sources(model)):
                if _model(field) is not parent:
                    continue
                # the key comes from the first source that is set (`region_of_row`)
                first = {f"{earlier}__isnull": True for earlier in key.source[:i]}
                rows = model._base_manager.filter(**{f"{field.attname}__in": ids}, **first)
                child_ids = list(rows.values_list("pk", flat=True))
                if child_ids:
                    moved += model._base_manager.filter(pk__in=child_ids).update(region_id=region_id)
                    parents.append((model, child_ids, depth + 1))
    return moved
