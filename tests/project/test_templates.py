"""Page templates: every table is styled. A table with no class, or only classes no stylesheet
styles, renders as the browser's bare grid (no borders, padding or scrolling on a phone); sixteen such
tables were found on office pages (projects, commitments, the portal office, bulletins) and made `grid`."""

from __future__ import annotations

import re
from pathlib import Path

LUOSHI = Path(__file__).resolve().parent.parent.parent / "luoshi"
TABLE = re.compile(r"<table\b[^>]*>")
CLASSES = re.compile(r'class="([^"]*)"')


def _styled_classes() -> set[str]:
    """Class names some stylesheet (a .css file or a template's <style>) gives a rule to."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in LUOSHI.rglob("*.css"))
    for page in LUOSHI.rglob("*.html"):
        text += "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", page.read_text(encoding="utf-8"), re.S))
    return set(re.findall(r"\.([A-Za-z][\w-]*)", text))


def test_every_table_in_a_template_has_a_styled_class() -> None:
    styled = _styled_classes()
    assert {"grid", "p-table", "bl-table"} <= styled
    bare = []
    for page in sorted(LUOSHI.rglob("*.html")):
        for tag in TABLE.findall(page.read_text(encoding="utf-8")):
            found = CLASSES.search(tag)
            classes = found.group(1).split() if found else []
            if not any(c in styled for c in classes):
                bare.append(f"{page.relative_to(LUOSHI)}: {tag}")
    assert not bare, "unstyled tables:\n" + "\n".join(bare)


def test_a_description_list_s_class_is_styled() -> None:
    """A <dl> with a class has a rule for it (four pages' `facts` lists had none and stacked every
    label over its value); a plain <dl> takes its page's own rules (the public pages')."""
    styled = _styled_classes()
    unstyled = []
    for page in sorted(LUOSHI.rglob("*.html")):
        for tag in re.findall(r"<dl\b[^>]*>", page.read_text(encoding="utf-8")):
            found = CLASSES.search(tag)
            if found and not any(c in styled for c in found.group(1).split()):
                unstyled.append(f"{page.relative_to(LUOSHI)}: {tag}")
    assert not unstyled, "unstyled description lists:\n" + "\n".join(unstyled)
