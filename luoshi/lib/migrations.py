"""`CreateModels`: the one operation of each app's squashed migration (`0001_squashed_…`).

Django applies a migration operation by operation, and after each one that adds or changes a model
it re-renders every model related to it in its migration state. Every table relates to `org.Unit`
(the region key, lib/regions.py) and to the user, so each of the ~250 operations that make a fresh
database re-rendered nearly all ~200 models: ~40 s of one core on either database, in every test
database and at the first `make run`. `CreateModels` takes the operations `makemigrations` generated
for the app's models as they are today and applies them to the migration state with one render, and
to the database as `migrate --run-syncdb` makes the tables of an app without migrations: each model
as it stands at the end, with `schema_editor.create_model` (its columns, foreign keys, indexes,
constraints and many-to-many tables).
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations import (
    AddConstraint,
    AddField,
    AddIndex,
    AlterUniqueTogether,
    CreateModel,
)
from django.db.migrations.operations.base import Operation

# What `makemigrations` generates for new models: each one's table, then the fields, indexes and
# constraints that complete it. Their end result is each model's table as `create_model` makes it.
KINDS = (CreateModel, AddField, AddIndex, AddConstraint, AlterUniqueTogether)


def _model_of(op: Operation) -> str:
    return op.name_lower if isinstance(op, AlterUniqueTogether) else op.model_name_lower  # type: ignore[attr-defined]


class CreateModels(Operation):
    """The tables of `operations`' models, which must be of `KINDS` and create every model they
    change, so that each model's final state is the whole of what they do to the database."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, operations: list[Operation]) -> None:
        created = set()
        for op in operations:
            if not isinstance(op, KINDS):
                raise TypeError(f"CreateModels takes {', '.join(k.__name__ for k in KINDS)}; not {op!r}")
            if isinstance(op, CreateModel):
                created.add(op.name_lower)
            elif _model_of(op) not in created:
                raise ValueError(f"{op!r} changes a model that these operations do not create")
        self.operations = operations

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        # Without rendered apps the state only records each change; the next reader of `state.apps`
        # (database_forwards below, or the next migration) renders every model once.
        state.__dict__.pop("apps", None)
        for op in self.operations:
            op.state_forwards(app_label, state)

    def _models(self, app_label: str, state: Any) -> list[Any]:
        return [
            state.apps.get_model(app_label, op.name) for op in self.operations if isinstance(op, CreateModel)
        ]

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        # Foreign keys to a table made later in the list are fine: SQLite checks them at commit,
        # PostgreSQL's constraints are deferred SQL run when the migration's schema editor exits.
        for model in self._models(app_label, to_state):
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for model in reversed(self._models(app_label, from_state)):
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def describe(self) -> str:
        return f"Create {sum(isinstance(op, CreateModel) for op in self.operations)} models"

    @property
    def migration_name_fragment(self) -> str:
        return "create_models"
