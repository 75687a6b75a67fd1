"""Domain signals of rectification (整改销号), sent after the write commits (`work.signals.send_on_commit`).

- `signoff_changed(problem_id, signoff_id, stage, action, step, actor_id, submitter_id, note)` — a
  sign-off was submitted (action "rectification.signoff.submitted"), approved at a step or
  returned; `stage` is the problem's stage after it (who decides next, or done / open again).

Payloads are ids and values. `receivers.on_signoff_changed` tells the next approver in the chain.
"""

from __future__ import annotations

from django.dispatch import Signal

signoff_changed = Signal()
