"""The demo district (演示区): a deterministic organisation, plans, tasks and reports for `luoshi demo`.

`data.py` holds the district as plain values (units, people, the task catalogue); `build.py`
loads it through the real services so lights, the audit trail and every queue are genuine.
"""
