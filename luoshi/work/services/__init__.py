"""Every write of the task engine: keyword-only, one transaction, one audit entry each.

One module per use case (refusals are the shared errors of `luoshi.errors`); this package re-exports their public names, so callers import from
`luoshi.work.services` whichever module a service lives in:

- `plans`: plan_create, period_lock;
- `tasks`: task_create, task_update, task_follow, search text;
- `status`: completion claims, confirm, reject, reopen, close with children, set status;
- `milestones`: milestone_meet, milestone_claim, milestone_confirm, milestone_reject;
- `reports`: report_submit, report_approve, report_approve_many, report_return;
- `lights`: task_refresh, persist_lights, mark_late_reports (stored lights and late reports);
- `manage`: the office's keeping pages (plans, splits, milestones, monthly plans);
- `_common`: private helpers shared by the modules above.
"""

from .lights import mark_late_reports, persist_lights, task_refresh
from .milestones import milestone_claim, milestone_confirm, milestone_meet, milestone_reject
from .plans import period_lock, plan_create
from .reports import PERIOD_ERRORS, report_approve, report_approve_many, report_return, report_submit
from .status import (
    STATUS_MOVES,
    task_claim_approve,
    task_claim_completion,
    task_claim_return,
    task_close_with_children,
    task_confirm_completion,
    task_reject_completion,
    task_reopen,
    task_set_status,
)
from .tasks import (
    TASK_EDITABLE,
    search_text,
    search_text_fill,
    search_text_fill_job,
    search_text_for,
    task_create,
    task_follow,
    task_update,
)

__all__ = [
    "PERIOD_ERRORS",
    "STATUS_MOVES",
    "TASK_EDITABLE",
    "mark_late_reports",
    "milestone_claim",
    "milestone_confirm",
    "milestone_meet",
    "milestone_reject",
    "period_lock",
    "persist_lights",
    "plan_create",
    "report_approve",
    "report_approve_many",
    "report_return",
    "report_submit",
    "search_text",
    "search_text_fill",
    "search_text_fill_job",
    "search_text_for",
    "task_claim_approve",
    "task_claim_completion",
    "task_claim_return",
    "task_close_with_children",
    "task_confirm_completion",
    "task_create",
    "task_follow",
    "task_refresh",
    "task_reject_completion",
    "task_reopen",
    "task_set_status",
    "task_update",
]
