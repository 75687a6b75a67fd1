"""Summarise a `mutmut run`: killed / survived / equivalent per rules module; exit 1 on a new survivor.

A survivor is equivalent when its change is listed in mutation/equivalents.txt as

    <function> | <the mutated line, stripped> | <one-line reason>

Matching by function and changed line (not by mutmut's mutant number) keeps the list valid when
other code in the module moves. Run by `make mutation` after `mutmut run`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MUTMUT = [sys.executable, "-m", "mutmut"]
# luoshi.work.rules.x_rollup__mutmut_6, x__month_of__mutmut_12, xǁThresholdsǁ__post_init____mutmut_5
NAME = re.compile(r"^(?P<module>[\w.]+?)\.x(?:ǁ(?P<cls>\w+)ǁ|_)(?P<func>.+)__mutmut_\d+$")


def equivalents() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for raw in (HERE / "equivalents.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        func, changed, reason = (part.strip() for part in line.split(" | ", 2))
        out[(func, changed)] = reason
    return out


def results() -> list[tuple[str, str]]:
    text = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in text.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            rows.append((name, status.strip()))
    return rows


def changed_line(name: str) -> str:
    diff = subprocess.run([*MUTMUT, "show", name], capture_output=True, text=True, check=True).stdout
    added = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return " / ".join(added)


def main() -> int:
    known = equivalents()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    new: list[str] = []
    used: set[tuple[str, str]] = set()
    for name, status in results():
        m = NAME.match(name)
        module = m.group("module") if m else name.rsplit(".", 1)[0]
        func = m.group("func") if m else name
        if m and m.group("cls"):
            func = f"{m.group('cls')}.{func}"
        if status == "killed" or status == "timeout":
            counts[module]["killed"] += 1
            continue
        if status != "survived":
            counts[module][status] += 1
            if status not in ("skipped", "no tests"):
                new.append(f"{name}: {status}")
            continue
        key = (func, changed_line(name))
        if key in known:
            counts[module]["equivalent"] += 1
            used.add(key)
        else:
            counts[module]["survived"] += 1
            new.append(f"{name}: survived — {func}: {key[1]}")
    print(f"{'module':32} {'mutants':>8} {'killed':>7} {'equivalent':>11} {'survived':>9}")
    for module, c in sorted(counts.items()):
        total = sum(c.values())
        print(f"{module:32} {total:8} {c['killed']:7} {c['equivalent']:11} {c['survived']:9}")
    stale = sorted(set(known) - used)
    if stale:
        print("\nlisted as equivalent but no longer produced (remove from equivalents.txt):")
        for func, changed in stale:
            print(f"  {func} | {changed}")
    if new:
        print("\nsurvivors that are not listed as equivalent — add a test that states the rule:")
        for line in new:
            print("  " + line)
        return 1
    print("\n0 non-equivalent survivors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
