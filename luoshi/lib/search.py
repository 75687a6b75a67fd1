"""Text search (检索) shared by every list that has a search box and by the one search page.

A query is split on whitespace into terms; a record matches when every term occurs in its search
text (a substring: Chinese words of one or two characters included, pinyin and initials too).

On PostgreSQL two GIN indexes keep this from reading every row (`index_sql`; created by `work`
migration 0017, or on a new database by its squashed `0001_squashed_0018_…`):

- `luoshi_grams(text)`: the Chinese characters of the text and each pair of neighbours (单字 and
  二字). A term with Chinese characters is looked up by its grams (`@>`), which for a term of one
  or two Chinese characters *is* the substring test; longer or mixed terms are rechecked with
  LIKE on the few rows the grams leave. Chinese words are mostly two characters, which
  pg_trgm cannot index (it needs three).
- pg_trgm (`gin_trgm_ops`) for Latin terms of three letters or more (pinyin, initials, codes).

A Latin term of one or two letters ("ys") is matched by LIKE alone, a scan: it matches a large
share of rows anyway. SQLite has neither index and matches every term by LIKE; the results are
the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, IntegerField, Lookup, Q, QuerySet, TextField, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from luoshi.lib.limits import MAX_SEARCH

# CJK Unified Ideographs with Extension A: the characters the grams index holds.
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_TERMS = 8

# The SQL function behind the grams index; `work` migration 0017 creates it, or on a new database
# `work/0001_squashed_0018_…` (PostgreSQL only).
GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION luoshi_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(c, i, n)
    FROM regexp_split_to_table(t, '[^\u3400-\u9fff]+') AS c,
         generate_series(1, length(c)) AS i,
         generate_series(1, 2) AS n
    WHERE i + n - 1 <= length(c)
  )
$$
"""


def index_sql(table: str, column: str, *, trigrams: bool = True) -> list[str]:
    """The search indexes of `table.column` (PostgreSQL): grams, and trigrams unless told not."""
    out = [f"CREATE INDEX IF NOT EXISTS {table}_{column}_grams ON {table} USING gin (luoshi_grams({column}))"]
    if trigrams:
        out.append(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
        )
    return out


def drop_index_sql(table: str, column: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS {table}_{column}_grams", f"DROP INDEX IF EXISTS {table}_{column}_trgm"]


class GramsContain(Lookup[str]):
    """`field__grams=term`: every Chinese gram of `term` is among the field's (PostgreSQL)."""

    lookup_name = "grams"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, str):  # the grams are worked out here, from the term itself
            raise TypeError("field__grams takes a search term (a string), not an expression")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"luoshi_grams({lhs}) @> %s::text[]", [*lhs_params, query_grams(self.rhs)]


CJK_RUN = re.compile(CJK.pattern + "+")


def query_grams(term: str) -> list[str]:
    """The grams a text must hold for `term` to occur in it: the neighbour pairs of each run of
    Chinese characters (a run of one, its character). A pair holds its two characters, so adding
    them as `luoshi_grams(term)` does changes no match, but PostgreSQL multiplies the selectivity
    of every element: 营商 as {营, 商, 营商} was estimated at 52 of 386,000 tasks, not 15,889, and
    the plan read every match's row before filtering who may see it."""
    out: list[str] = []
    for run in CJK_RUN.findall(term):
        pairs = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        out.extend(g for g in pairs if g not in out)
    return out


TextField.register_lookup(GramsContain)
CharField.register_lookup(GramsContain)


def terms(q: str | None) -> list[str]:
    """The query's terms, lowercased (search texts are stored lowercased), at most `MAX_TERMS`."""
    out: list[str] = []
    for term in (q or "")[:MAX_SEARCH].lower().split():
        if term not in out:
            out.append(term)
    return out[:MAX_TERMS]


def _term_only_cjk(term: str) -> bool:
    return all(CJK.match(ch) for ch in term)


def term_condition(field: str, term: str, *, indexed: bool = True, lookup: str = "contains") -> Q:
    """The condition that `term` occurs in `field`: `lookup` "contains" for a lowercased search
    text, "icontains" for a field as typed. `indexed`: the field has `index_sql`'s indexes."""
    like = Q(**{f"{field}__{lookup}": term})
    if not (indexed and connection.vendor == "postgresql" and CJK.search(term)):
        return like
    grams = Q(**{f"{field}__grams": term})
    # One or two Chinese characters: containing the grams is containing the term.
    if len(term) <= 2 and _term_only_cjk(term):
        return grams
    return grams & like


def matches(field: str, q: str | None, *, indexed: bool = True) -> Q:
    """Every term of `q` occurs in `field` (a lowercased search text); an empty query matches all."""
    cond = Q()
    for term in terms(q):
        cond &= term_condition(field, term, indexed=indexed)
    return cond


def title_matches(q: str | None, *, title: str, code: str | None = None) -> Q:
    """Every term of `q` occurs in the record's `title` (indexed by `index_sql` on PostgreSQL);
    a term without Chinese characters may also occur in its `code`."""
    cond = Q()
    for term in terms(q):
        if CJK.search(term) or code is None:
            cond &= term_condition(title, term, lookup="icontains")
        else:
            cond &= Q(**{f"{title}__icontains": term}) | Q(**{f"{code}__icontains": term})
    return cond


def highlight(text: Any, q: str | None) -> SafeString:
    """`text` escaped, with each occurrence of a query term wrapped in <mark> (case-insensitive).

    Terms found only in pinyin or another field leave the text as it is."""
    text = "" if text is None else str(text)
    found = sorted(terms(q), key=len, reverse=True)
    if not found or not text:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in found), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def rank(q: str, *, code: str, title: str, unit: str) -> Case:
    """The best match first: 0 the exact code, 1 a title starting with the query and holding every
    term, 2 a title holding every term, 3 a unit whose name holds a term, 4 the rest (pinyin,
    initials, other text). `code`, `title`: field paths of the record; `unit`: the path of its
    unit's name (`lead_unit__name`), tested as "the unit is one of the units whose name holds a term"
    (one hashed subquery), so that ranking thousands of matches joins no unit table."""
    from luoshi.org.models import Unit

    words = terms(q) or [q.strip().lower()]

    def i(lookup: str, word: str) -> str:
        # Chinese has no case: a plain LIKE spares UPPER() of every matching row (a third of the
        # ranking's time over 16,000 matches at province scale).
        return lookup if word and _term_only_cjk(word) else f"i{lookup}"

    in_title = reduce(and_, [Q(**{f"{title}__{i('contains', w)}": w}) for w in words])
    named = Unit.objects.filter(reduce(or_, [Q(**{f"name__{i('contains', w)}": w}) for w in words])).values(
        "pk"
    )
    return Case(
        When(Q(**{f"{code}__{i('exact', q.strip())}": q.strip()}), then=0),
        When(Q(**{f"{title}__{i('startswith', words[0])}": words[0]}) & in_title, then=1),
        When(in_title, then=2),
        When(Q(**{f"{unit.removesuffix('__name')}__in": named}), then=3),
        default=4,
        output_field=IntegerField(),
    )


# Past this many matches a section of the search page says "1,000+" instead of counting every one.
COUNT_CAP = 1000


def capped_count(qs: QuerySet[Any], shown: int, limit: int) -> int:
    """How many rows `qs` has, counted up to `COUNT_CAP` + 1; no query when the page was not full."""
    if shown < limit:
        return shown
    return int(qs.order_by()[: COUNT_CAP + 1].count())


@dataclass(frozen=True)
class Hit:
    """One search result as the search page and the API show it."""

    kind: str
    id: int
    code: str
    title: str
    unit: str
    url: str
