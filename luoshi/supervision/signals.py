"""Domain signals of supervision, sent after commit (`work.signals.send_on_commit`) so reminders
(notify) can hook in without editing this app.

- `notice_issued(notice_id, item_id, level, unit_id, deadline)` — a notice (催办单 / 督办单 / 通报 /
  问责通知) was issued to a unit; `deadline` is the date its written response is due.
"""

from __future__ import annotations

from django.dispatch import Signal

notice_issued = Signal()
