"""What every import shares: problems found by row and column, and the refusal that carries them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Problem:
    """One problem of an import file, where the user will look for it: row number and column name."""

    row: int
    column: str
    message: str
    level: str = "error"  # "error" blocks the commit; "warning" is shown and a person decides
    suggestions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else ""
        col = f"「{self.column}」" if self.column else ""
        hint = f"（是否为：{'、'.join(self.suggestions)}）" if self.suggestions else ""
        return f"{where}{col}：{self.message}{hint}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportRefused(Exception):
    """The file has errors; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem], preview: Any = None) -> None:
        self.problems = problems
        self.preview = preview
        super().__init__("\n".join(str(p) for p in problems if p.level == "error"))


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]
