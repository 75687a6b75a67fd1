"""Bounds on what a request may carry, shared by the API schemas, the page forms and the middleware.

Anything outside them is refused with a 4xx and a message before it reaches the database: a
PostgreSQL text column cannot hold a NUL character, a bigint stops at 2**63 - 1, and date
arithmetic (periods, grace days, weeks) overflows near year 1 and year 9999.
"""

from __future__ import annotations

from datetime import date

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_ID = 2**63 - 1  # BigAutoField
MAX_OFFSET = 10**9
# Free text typed into a report or a task (进展情况, 存在问题, 下步打算, 任务描述).
MAX_TEXT = 10_000
MAX_SEARCH = 100
