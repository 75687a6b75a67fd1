"""Every audit action code, with its human-readable Chinese and English text.

Codes are dotted `<app>.<object>.<verb>`; `record()` refuses a code that is not listed here,
so the trail never holds an action nobody can read.
"""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str]] = {
    # org
    "org.unit.created": ("新建单位", "unit created"),
    "org.unit.updated": ("修改单位", "unit updated"),
    "org.unit.alias_set": ("设定单位别名", "unit alias set"),
    "org.person.created": ("新建人员", "person created"),
    "org.person.updated": ("修改人员", "person updated"),
    "org.post.created": ("新建岗位", "post created"),
    "org.post.updated": ("修改岗位", "post updated"),
    "org.membership.started": ("任职", "membership started"),
    "org.membership.ended": ("离任", "membership ended"),
    "org.portfolio.changed": ("调整分管", "portfolio changed"),
    "org.import.committed": ("导入组织人员", "organisation import committed"),
    "org.token.created": ("创建接口令牌", "API token created"),
    "org.token.revoked": ("吊销接口令牌", "API token revoked"),
    # work
    "work.plan.created": ("新建计划", "plan created"),
    "work.plan.updated": ("修改计划", "plan updated"),
    "work.task.created": ("新建任务", "task created"),
    "work.task.bulk_created": ("批量新建任务", "tasks created in bulk"),
    "work.task.updated": ("修改任务", "task updated"),
    "work.task.started": ("任务启动", "task started"),
    "work.task.completion_claimed": ("申请完成", "completion claimed"),
    "work.task.completion_confirmed": ("确认完成并销号", "completion confirmed and closed"),
    "work.task.completion_rejected": ("退回完成申请", "completion claim rejected"),
    "work.task.completion_filed": (
        "提交完成申请（待单位负责人审核）",
        "completion claim filed for the unit head",
    ),
    "work.task.completion_returned": ("单位负责人退回完成申请", "completion claim returned by the unit head"),
    "work.task.closed_with_parent": ("随上级任务一并销号", "closed together with its parent"),
    "work.task.closed_with_children": ("连同下级任务一并销号", "closed together with its subtasks"),
    "work.task.closed": ("销号", "task closed"),
    "work.task.reopened": ("重新打开", "task reopened"),
    "work.task.suspended": ("暂停", "task suspended"),
    "work.task.resumed": ("恢复", "task resumed"),
    "work.task.cancelled": ("取消", "task cancelled"),
    "work.task.split": ("拆分任务", "task split"),
    "work.task.followed": ("关注任务", "task followed"),
    "work.task.unfollowed": ("取消关注", "task unfollowed"),
    "notify.preference.changed": ("修改亮灯变化通知方式", "notification preference changed"),
    "work.milestone.created": ("新建时间节点", "milestone created"),
    "work.milestone.met": ("完成时间节点", "milestone met"),
    "work.milestone.updated": ("修改时间节点", "milestone updated"),
    "work.milestone.deleted": ("删除时间节点", "milestone deleted"),
    "work.milestone.claimed": ("报告节点完成", "milestone reported met"),
    "work.milestone.rejected": ("退回节点完成报告", "milestone report rejected"),
    "work.report.submitted": ("提交进度", "report submitted"),
    "work.report.corrected": ("更正进度", "report corrected"),
    "work.report.approved": ("审核通过进度", "report approved"),
    "work.report.returned": ("退回进度", "report returned"),
    "work.period.locked": ("锁定填报期", "reporting period locked"),
    "work.lights.refreshed": ("刷新亮灯", "lights refreshed"),
    "work.import.committed": ("导入任务分解表", "task import committed"),
    # documents
    "documents.bulletin.published": ("发布督查通报", "bulletin published"),
    # meetings
    "meetings.series.created": ("新建调度会", "meeting series created"),
    "meetings.meeting.created": ("安排会议", "meeting scheduled"),
    "meetings.agenda.generated": ("生成议程", "agenda generated"),
    "meetings.agenda.sent": ("冻结并发出议程", "agenda frozen and sent"),
    "meetings.meeting.held": ("会议结束（未签到记为缺席）", "meeting held (no check-in: absent)"),
    "meetings.meeting.closed": ("会议办结", "meeting closed"),
    "meetings.checkin.recorded": ("会议签到", "meeting check-in"),
    "meetings.checkin.refused": ("拒绝签到", "check-in refused"),
    "meetings.attendance.excused": ("会议请假", "leave of absence recorded"),
    "meetings.minutes.saved": ("保存会议记录", "minutes saved"),
    "meetings.decision.added": ("新增议定事项", "decision added"),
    "meetings.decision.deleted": ("删除议定事项", "decision deleted"),
    "meetings.decisions.tasks_created": ("议定事项转为任务", "decisions made tasks"),
    "meetings.calendar.reset": ("重置日历订阅地址", "calendar address reset"),
    # rectification
    "rectification.round.created": ("新建整改检查轮次", "rectification round created"),
    "rectification.problem.created": ("新建整改问题", "rectification problem created"),
    "rectification.problem.bulk_created": ("批量新建整改问题", "rectification problems created in bulk"),
    "rectification.problem.imported": ("导入整改台账", "rectification ledger imported"),
    "rectification.signoff.submitted": ("提交销号申请", "sign-off applied for"),
    "rectification.signoff.approved": ("审核通过销号申请", "sign-off step approved"),
    "rectification.signoff.rejected": ("退回销号申请", "sign-off returned"),
    "rectification.problem.reopened": ("回头看重新打开整改问题", "rectification problem reopened"),
    # jobs
    "jobs.tick.ran": ("每日巡检", "daily tick ran"),
    # projects
    "projects.project.created": ("新建重点项目", "key project created"),
    "projects.project.updated": ("修改重点项目", "key project updated"),
    "projects.stage.met": ("项目阶段完成", "project stage met"),
    "projects.stage.planned": ("设定项目阶段计划日期", "project stage dates planned"),
    "projects.investment.reported": ("填报项目月度投资", "project monthly investment reported"),
    "projects.year.set": ("设定项目年度计划投资", "project annual plan set"),
    "projects.owner.assigned": ("指定四包一岗位", "project owner post assigned"),
    "projects.problem.created": ("登记项目问题", "project problem recorded"),
    "projects.problem.tasked": ("项目问题转为任务", "project problem turned into a task"),
    "projects.import.committed": ("导入重点项目清单", "key project list imported"),
    "projects.boundary.set": ("导入区域边界", "district boundary loaded"),
    # supervision
    "supervision.item.created": ("新建督办事项", "supervision item created"),
    "supervision.item.handed_off": ("督办事项交接（交办、转办、签收、退回）", "supervision item handed off"),
    "supervision.item.closed": ("督办事项办结", "supervision item closed"),
    "supervision.proposals.made": ("生成升级督办建议", "escalation proposals made"),
    "supervision.proposal.accepted": ("采纳升级督办建议", "escalation proposal accepted"),
    "supervision.proposal.dismissed": ("驳回升级督办建议", "escalation proposal dismissed"),
    "supervision.notice.issued": ("印发督办通知", "supervision notice issued"),
    "supervision.response.submitted": ("提交督办书面反馈", "supervision response submitted"),
    "supervision.accountability.recorded": ("登记问责", "accountability recorded"),
}


def describe(code: str, language: str = "zh-hans") -> str:
    zh, en = ACTIONS.get(code, (code, code))
    return en if language.startswith("en") else zh
