"""Text rules for report quality (填报质量): facts in a narrative, and near-duplicate detection on
Chinese text by character shingles and a bottom-k MinHash sketch, in pure Python.

A narrative is normalised (punctuation and white space dropped, full-width letters and digits made
half-width, lower case), cut into overlapping 3-character shingles, and each shingle hashed with
CRC-32. Its sketch is the `SKETCH` smallest hashes (bottom-k MinHash, Broder 1997): for two texts, the
share of the k smallest hashes of their union that lie in both sketches estimates the Jaccard
similarity of their shingle sets. Candidate pairs come from an inverted index on each sketch's
`KEYS` smallest hashes among its rare 8-character shingles (two near-duplicates share most of
them); a shingle held by more than `KEY_CAP` texts is boilerplate (a phrase everybody writes)
and proposes no pair. No pair is ever compared outside its scope (decided by the caller).
"""

from __future__ import annotations

import heapq
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

SHINGLE = 3
SKETCH = 64
KEYS = 4
KEY_CAP = 32
KEY_SHINGLE = 8  # keys are longer shingles: far rarer than the 3-character ones
KEY_SAMPLE = 4  # …and only one in this many is a candidate key (memory for counting them)
KEY_BOUND = 2**32 // KEY_SAMPLE
MIN_SHARED = 2  # keys two texts must share to be compared

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, punctuation and white space removed."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """The set of overlapping k-character shingles of the normalised text (the text itself when
    shorter than k, none when empty)."""
    t = normalise(text)
    if len(t) <= k:
        return {t} if t else set()
    return {t[i : i + k] for i in range(len(t) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """The exact Jaccard similarity (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _hashes(text: str, k: int = SHINGLE, *, normalised: bool = False) -> set[int]:
    """CRC-32 of each k-character shingle of the normalised text (hashed as UTF-32 bytes: one encode
    per text, a slice per shingle)."""
    t = text if normalised else normalise(text)
    n = len(t) - k + 1
    if n <= 0:
        return {zlib.crc32(t.encode("utf-32-le"))} if t else set()
    raw = t.encode("utf-32-le")
    w = 4 * k
    crc = zlib.crc32
    return {crc(raw[i : i + w]) for i in range(0, 4 * n, 4)}


def sketch(text: str, k: int = SKETCH) -> array[int]:
    """The bottom-k MinHash sketch: the k smallest CRC-32 hashes of the shingles, ascending."""
    hashes = _hashes(text)
    return array("I", heapq.nsmallest(k, hashes) if len(hashes) > k else sorted(hashes))


def estimate(a: Sequence[int], b: Sequence[int], k: int = SKETCH) -> float:
    """The bottom-k estimate of Jaccard similarity from two sketches (ascending). Two sketches that
    hold all their texts' shingles (fewer than k) give the exact similarity."""
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    sa, sb = set(a), set(b)
    if len(sa) < k and len(sb) < k:
        return len(sa & sb) / len(sa | sb)
    union = sorted(sa | sb)[:k]
    both = sum(1 for h in union if h in sa and h in sb)
    return both / len(union)


@dataclass(frozen=True)
class Doc:
    """A narrative to compare: its id, the text, and what it may be compared with, decided by the
    caller (`related(a, b)`)."""

    id: int
    text: str


@dataclass(frozen=True)
class Match:
    a: int
    b: int
    similarity: float


RARE_BITS = 4  # the sampled keys are counted a 1/16 slice of the hash range at a time


def _rare_keys(every: array[int]) -> set[int]:
    """The keys held by 2 to `KEY_CAP` texts (`every` holds each text's keys once): counted by sorting,
    a slice of the hash range at a time. A Counter of every sampled shingle would cost several times
    the memory, and so would sorting the whole array at once (a list of Python ints: 120,000 reports'
    3.6 million keys made it half of the step's peak)."""
    shift = max(0, max(every, default=0).bit_length() - RARE_BITS)
    parts = [array("I") for _ in range(1 << RARE_BITS)]
    for h in every:
        parts[h >> shift].append(h)
    rare: set[int] = set()
    for i in range(len(parts)):
        part, parts[i] = parts[i], array("I")
        rare.update(h for h, run in groupby(sorted(part)) if 2 <= sum(1 for _ in run) <= KEY_CAP)
    return rare


def near_duplicates(
    docs: Iterable[Doc],
    related: Callable[[int, int], bool],
    *,
    threshold: float,
    min_chars: int,
    pairs: Iterable[tuple[int, int]] = (),
) -> list[Match]:
    """Pairs of docs whose estimated similarity reaches `threshold`: the given `pairs` (always
    compared: a report and its task's previous one), and the pairs the index proposes that `related`
    allows (called with the smaller id first); each pair once, ordered by ids. Texts shorter than
    `min_chars` once normalised are left out.

    One pass over the texts keeps each text's sketch and its candidate keys — the
    `KEY_SHINGLE`-character shingles whose hash falls in the lowest 1/`KEY_SAMPLE` of the range (a
    fixed sample, the same for every text, so a copy keeps its source's) — and counts in how many texts
    each key occurs; then each text is indexed under its `KEYS` smallest *rare* keys (in at least two
    texts — a shingle of one text proposes nothing, and an edit makes such shingles — and at most
    `KEY_CAP`), so the phrases every report repeats propose no pair and no posting list grows past
    `KEY_CAP`: the work follows the number of texts, not its square. A pair is compared when it
    shares `MIN_SHARED` keys (or all the keys the poorer text has)."""
    every = array("I")
    sketches: dict[int, array[int]] = {}
    candidates: dict[int, array[int]] = {}
    for d in docs:
        t = normalise(d.text)
        if len(t) < min_chars:
            continue
        hashes = _hashes(t, normalised=True)
        sketches[d.id] = array(
            "I", heapq.nsmallest(SKETCH, hashes) if len(hashes) > SKETCH else sorted(hashes)
        )
        sample = array("I", [h for h in _hashes(t, KEY_SHINGLE, normalised=True) if h < KEY_BOUND])
        candidates[d.id] = sample
        every.extend(sample)
    rare = _rare_keys(every)
    del every
    n_keys: dict[int, int] = {}
    index: dict[int, list[int]] = defaultdict(list)
    for doc_id, sample in candidates.items():
        keys = heapq.nsmallest(KEYS, (h for h in sample if h in rare))
        n_keys[doc_id] = len(keys)
        for h in keys:
            index[h].append(doc_id)
    del rare, candidates
    out: list[Match] = []

    def compare(a: int, b: int) -> None:
        la, lb = len(sketches[a]), len(sketches[b])
        if la < SKETCH and lb < SKETCH and min(la, lb) < threshold * max(la, lb):
            return  # J <= |A| / |B|: too different in length to be a copy
        sim = estimate(sketches[a], sketches[b])
        if sim >= threshold:
            out.append(Match(a, b, round(sim, 3)))

    given = {(min(a, b), max(a, b)) for a, b in pairs if a != b and a in sketches and b in sketches}
    for a, b in sorted(given):
        compare(a, b)
    # Per text, the later texts sharing its keys (no global table of pairs: memory stays linear).
    keys_of: dict[int, list[int]] = defaultdict(list)
    for h, ids in index.items():
        if len(ids) > 1:
            for doc_id in ids:
                keys_of[doc_id].append(h)
    for a in sorted(keys_of):
        shared = Counter(b for h in keys_of[a] for b in index[h] if b > a)
        for b, n in shared.items():
            if n >= min(MIN_SHARED, n_keys[a], n_keys[b]) and (a, b) not in given and related(a, b):
                compare(a, b)
    out.sort(key=lambda m: (m.a, m.b))
    return out


# ---------------------------------------------------------------------------------------------
# Facts (空话套话): a narrative states at least one fact when it names a number, a date, a place, a
# named deliverable or a document. Words alone ("高度重视、强化措施、扎实推进") state none.

_CN_NUM = "一二三四五六七八九十百千万亿两零〇"
_FACT_PATTERNS = {
    "number": re.compile(
        rf"\d|[{_CN_NUM}]+(?:个|项|家|次|批|座|条|名|户|人|元|万|亿|米|公里|亩|吨|台|套|所|份|场|期|轮|处|栋|间|%)"
    ),
    "date": re.compile(
        r"(?:\d{1,4}|[一二三四五六七八九十]{1,3})\s*(?:年|月|日|号|季度)|月底|年底|上旬|中旬|下旬|本周[一二三四五六日]"
    ),
    "document": re.compile(
        r"《[^》]{2,}》|〔\d{4}〕|\[\d{4}\]|[^\s，。；、]{2,}(?:文件|通知|方案|意见|办法|纪要|批复|合同|协议|报告|清单|台账)"
    ),
    "place": re.compile(
        r"[\u4e00-\u9fff]{2,}(?:(?<![思出新门线])路|街道|大道|(?<![乡城])镇|(?<![乡农城])村|社区(?!治理|工作)|园区|片区|小区|广场|码头|大桥)"
    ),
    "deliverable": re.compile(
        r"[\u4e00-\u9fff]{2,}(?:项目|工程|平台|系统|中心|基地|站|馆|厂房|学校|医院)(?:已|正|完成|开工|竣工|投用|上线|通过|验收)"
    ),
}


def facts(text: str) -> list[str]:
    """The kinds of fact the text states (empty when it states none)."""
    t = unicodedata.normalize("NFKC", text or "")
    return [name for name, rx in _FACT_PATTERNS.items() if rx.search(t)]


# A plain status line (如实简报): a report that says nothing changed, nothing is wrong, or the work is on
# schedule. It names no fact, but it is a claim about the work the office can check against the report's
# figures and the task's light; 套话 is talk about attitude and effort (高度重视, 压实责任, 扎实推进) in place
# of any claim at all.
# A promise is not a status: "确保按期完成" is 表态 about the future.
_PROMISE = r"(?<!确保)(?<!力争)(?<!争取)(?<!务必)(?<!保证)(?<!全力)"
_STATUS = re.compile(
    r"(?:无|没有|未有|未发生)(?:新增|新的?进展|变化|调整)"
    r"|与上[期月周季](?:相比|比)?(?:持平|一致|相同|无变化)"
    r"|(?:暂|尚|均)?(?:无|没有|未发现)(?:问题|异常|困难|障碍)"
    rf"|{_PROMISE}按(?:计划|期|时|序时|节点|进度安排)(?:推进|开展|进行|实施|完成)"
    rf"|{_PROMISE}(?:正常|如期)(?:推进|开展|进行|实施|运行)|进度正常"
)


def states_status(text: str) -> bool:
    """The text says the work's status plainly: no change, no problem, or on schedule."""
    return bool(_STATUS.search(unicodedata.normalize("NFKC", text or "")))


def is_empty_talk(text: str) -> bool:
    """A narrative that says something but states no fact and no plain status (空话套话): only talk of
    attitude and effort. A blank narrative is not flagged here: it is either "no change" or refused by
    the report form. A short status line ("本期无新增情况", "暂无问题", "按计划推进") is not empty talk:
    saying little is not saying nothing, and its claim is checked by the figures, not by this rule."""
    return bool(normalise(text)) and not facts(text) and not states_status(text)
