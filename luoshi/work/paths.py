"""Materialised tree paths, built and read in one place (pure: no database).

A task's path is `/p{plan}/{top id}/…/{own id}/`: the plan's root, then the ids from the top-level
task down to the task itself, so `path__startswith` selects a subtree and the ids of a path are
its ancestors. A unit's path (org) has the same shape without the plan: `/{top id}/…/{own id}/`.
A task's sort path (natural order of codes, `lib/natural.py`) is kept beside its path: `place`
computes the three stored values (path, depth, sort path) of a task under its parent.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from luoshi.lib.natural import sort_path

UNIT_ROOT = "/"


class Placed(Protocol):
    """What a parent needs to give its children their place: a task, a `Place`, a bulk row."""

    @property
    def path(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def sort_path(self) -> str: ...


class Place(NamedTuple):
    """A task's stored place in its plan's tree."""

    path: str
    depth: int
    sort_path: str


def plan_root(plan_id: int) -> str:
    """The path every top-level task of the plan starts with: `/p{plan}/`."""
    return f"/p{plan_id}/"


def child_path(parent_path: str, pk: int) -> str:
    """The path of `pk` under a parent's path (a task's, a plan root, a unit's or `UNIT_ROOT`)."""
    return f"{parent_path}{pk}/"


def place(*, plan_id: int, pk: int, code: str, parent: Placed | None) -> Place:
    """Path, depth and sort path of task `pk` (coded `code`) under `parent`, or at the plan's top."""
    if parent is None:
        return Place(child_path(plan_root(plan_id), pk), 0, sort_path("", code, pk))
    return Place(child_path(parent.path, pk), parent.depth + 1, sort_path(parent.sort_path, code, pk))


def path_ids(path: str) -> list[int]:
    """The ids on a path, top first and its own last (a task path's plan segment left out)."""
    return [int(s) for s in path.split("/") if s.isdigit()]


def ancestor_ids(path: str) -> list[int]:
    """The ids of the ancestors on a path, top first (its own id left out)."""
    return path_ids(path)[:-1]


def parent_id(path: str) -> int | None:
    """The id of the nearest ancestor, None at the top."""
    ids = ancestor_ids(path)
    return ids[-1] if ids else None


def depth(path: str) -> int:
    """How deep a path is: 0 for a top-level task or unit (-1 for an empty path)."""
    return len(path_ids(path)) - 1


def plan_id(path: str) -> int | None:
    """The plan a task path belongs to (None for a unit path)."""
    first = path.strip("/").split("/")[0]
    return int(first[1:]) if first.startswith("p") and first[1:].isdigit() else None


def moved(path: str, old_prefix: str, new_prefix: str) -> str:
    """A descendant's path once its subtree's top moved from `old_prefix` to `new_prefix`."""
    assert path.startswith(old_prefix), (path, old_prefix)
    return new_prefix + path[len(old_prefix) :]


def prefixes(path: str) -> list[str]:
    """The path and each ancestor's path, nearest first: `/1/2/` → [`/1/2/`, `/1/`]."""
    parts = [s for s in path.split("/") if s]
    return [f"/{'/'.join(parts[:i])}/" for i in range(len(parts), 0, -1)]
