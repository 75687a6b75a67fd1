"""The squashed migrations (docs/architecture.md "Migrations"): each app's squash replaces its whole
old chain, a new database's graph holds only the squashes, and `CreateModels` takes only what
`makemigrations` generates for new models. No database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from luoshi.lib.migrations import CreateModels


def _luoshi_apps() -> dict[str, Path]:
    return {
        c.label: Path(c.path) / "migrations"
        for c in apps.get_app_configs()
        if c.name.startswith("luoshi.") and (Path(c.path) / "migrations").is_dir()
    }


def _number(name: str) -> int:
    return int(name.split("_", 1)[0])


def _squash_end(squash: str) -> int:
    """The last migration number a squash replaces: 0001_squashed_0006_… replaces up to 0006."""
    return int(squash.split("_squashed_", 1)[1].split("_", 1)[0])


def test_every_old_migration_is_replaced_by_exactly_one_squash() -> None:
    """Each migration up to its app's squash is replaced by that squash, exactly once; a migration
    added after the squash (a later number) is new and depends on the squash or a later migration."""
    loader = MigrationLoader(None, replace_migrations=False)
    replaced: dict[tuple[str, str], list[str]] = {}
    for (app, name), migration in loader.disk_migrations.items():
        for key in migration.replaces:
            replaced.setdefault(tuple(key), []).append(f"{app}.{name}")
    for app, folder in _luoshi_apps().items():
        squashes = [p.stem for p in folder.glob("0*_squashed_*.py")]
        old = sorted(p.stem for p in folder.glob("0*.py") if "_squashed_" not in p.stem)
        if len(old) <= 1 and not squashes:  # none (web) or one (identity): nothing to squash
            continue
        assert len(squashes) == 1, app
        end = _squash_end(squashes[0])
        for name in old:
            if _number(name) <= end:
                assert len(replaced.get((app, name), [])) == 1, (app, name, replaced.get((app, name)))
            else:
                assert (app, name) not in replaced, (app, name)
                deps = {d for d in loader.disk_migrations[app, name].dependencies if d[0] == app}
                assert deps and all(d[1] == squashes[0] or _number(d[1]) > end for d in deps), (
                    app,
                    name,
                    deps,
                )


def test_a_new_database_applies_the_squashes_only() -> None:
    """A new database's graph holds each app's squash and the migrations added after it, none of the
    migrations the squash replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True)  # nothing applied: every squash is used
    for app in _luoshi_apps():
        nodes = sorted(name for a, name in loader.graph.nodes if a == app)
        squashes = [n for n in nodes if "_squashed_" in n]
        assert len(squashes) <= 1, (app, nodes)
        if squashes:
            end = _squash_end(squashes[0])
            assert all(n == squashes[0] or _number(n) > end for n in nodes), (app, nodes)
        else:
            assert len(nodes) <= 1, (app, nodes)


def test_create_models_takes_the_operations_of_new_models_only() -> None:
    create = migrations.CreateModel(name="Thing", fields=[("id", models.BigAutoField(primary_key=True))])
    add = migrations.AddField(model_name="thing", name="n", field=models.IntegerField(default=0))
    assert len(CreateModels([create, add]).operations) == 2
    with pytest.raises(ValueError):
        CreateModels([add, create])  # changes a model before (or without) creating it
    with pytest.raises(TypeError):
        CreateModels([create, migrations.RunSQL("SELECT 1")])
