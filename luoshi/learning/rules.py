"""The study room's rules over plain values: scoring, pass/fail, time limits, draw sizes.

Scoring: every question is worth one point. A single-choice or true/false question scores when the
one given answer is the right one. A multiple-choice question scores only when the chosen set is
exactly the right set (all-or-nothing, as 党政 exams are marked): a missing or an extra choice
scores nothing. The score is the percentage of points, rounded half up to a whole number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

SINGLE = "single"
MULTIPLE = "multiple"
JUDGE = "judge"
KINDS = (SINGLE, MULTIPLE, JUDGE)
# Answers that arrive a little after the deadline (network delay) still count; nothing later.
GRACE = timedelta(seconds=5)


def question_correct(kind: str, right: Iterable[int], given: Iterable[int]) -> bool:
    """Whether `given` (chosen option indexes) answers a question whose right options are `right`."""
    r, g = set(right), set(given)
    if not r:
        return False
    if kind in (SINGLE, JUDGE) and len(g) != 1:
        return False
    return r == g


def score(questions: Iterable[tuple[str, Iterable[int], Iterable[int]]]) -> int:
    """Percentage (0–100) of (kind, right, given) questions answered correctly; 0 for no questions."""
    total = correct = 0
    for kind, right, given in questions:
        total += 1
        correct += question_correct(kind, right, given)
    if total == 0:
        return 0
    return int((Decimal(correct * 100) / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def passed(score_: int, pass_mark: int) -> bool:
    return score_ >= pass_mark


def deadline(started_at: datetime, minutes: int) -> datetime:
    """When an attempt started at `started_at` with a limit of `minutes` closes."""
    return started_at + timedelta(minutes=minutes)


def counts(submitted_at: datetime, deadline_at: datetime) -> bool:
    """Whether answers submitted at `submitted_at` are counted (within the deadline and grace)."""
    return submitted_at <= deadline_at + GRACE


def seconds_left(now: datetime, deadline_at: datetime) -> int:
    return max(0, int((deadline_at - now).total_seconds()))


def clock(seconds: int) -> str:
    """Seconds left as the exam page's countdown shows them, mm:ss (minutes past 99 as they are):
    the page shows it before its script runs, and without a script."""
    seconds = max(0, seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def draw_sizes(wanted: Mapping[str, int], available: Mapping[str, int]) -> dict[str, int]:
    """How many questions of each kind to draw: what the course asks for, at most what the bank holds."""
    return {k: max(0, min(wanted.get(k, 0), available.get(k, 0))) for k in KINDS}


def attempts_left(allowed: int, used: int) -> int:
    """Attempts still open to a person; `allowed` 0 means unlimited (returns -1)."""
    if allowed <= 0:
        return -1
    return max(0, allowed - used)


def parse_answer(kind: str, text: str, n_options: int) -> list[int]:
    """Option indexes from a table cell: letters (A, AC, A,C) or 对/错/√/×/T/F for true/false.
    Raises ValueError with a reason when the cell is not an answer to the question."""
    t = (text or "").strip().upper().replace("，", ",").replace(" ", "").replace(",", "").replace("、", "")
    if kind == JUDGE:
        if t in {"对", "正确", "√", "T", "TRUE", "是", "A"}:
            return [0]
        if t in {"错", "错误", "×", "X", "F", "FALSE", "否", "B"}:
            return [1]
        raise ValueError(_("判断题答案应为 对 或 错"))
    if not t or any(not ("A" <= c <= "Z") for c in t):
        raise ValueError(_("答案应为选项字母"))
    out = sorted({ord(c) - ord("A") for c in t})
    if out[-1] >= n_options:
        raise ValueError(_("答案超出选项范围"))
    if kind == SINGLE and len(out) != 1:
        raise ValueError(_("单选题只能有一个答案"))
    if kind == MULTIPLE and len(out) < 2:
        raise ValueError(_("多选题至少两个答案"))
    return out
