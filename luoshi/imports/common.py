"""What every import shares: problems found by row and column, and the refusal that carries them.

A problem is stored as a message code and its parameters (with the text as written then, for rows
stored before codes existed), and rendered in the reader's language when shown: a preview parsed
by a Chinese-speaking officer reads in English for an English-speaking one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

# Message code → Chinese text (the msgid); parameters are named, e.g. %(n)s for a unit's name.
MESSAGES: dict[str, str] = {
    "sheet.encoding": N_("无法识别文件编码（支持 UTF-8 和 GBK）。"),
    "sheet.unreadable": N_("无法读取 Excel 文件：文件可能已损坏、已加密，或不是 Excel 表格。"),
    "sheet.word": N_("这是 Word 文档，不是表格：请上传 Excel 表格（.xlsx、.xls）或 .csv 文件。"),
    "sheet.xls": N_(
        "无法读取这个 .xls 文件（可能已加密或已损坏），请用 Excel 或 WPS 另存为 .xlsx 后再导入。"
    ),
    "sheet.html_xls": N_("这个文件是网页格式，扩展名为 .xls，但其中没有表格。"),
    "sheet.not_xlsx": N_("文件不是有效的 .xlsx。"),
    "header.missing": N_(
        "找不到表头：需要“序号、工作任务（或重点任务、任务内容）、牵头单位/责任单位、完成时限”等列。"
    ),
    "header.no_units": N_("表头中没有“牵头单位”或“责任单位”列。"),
    "year.unknown": N_("无法确定计划年份：标题行中没有“××××年”。请指定年份（命令行用 --year）。"),
    "year.differs": N_("标题写的是 %(t)s 年，计划“%(p)s”是 %(y)s 年；完成时限按 %(y)s 年理解。"),
    "year.option_differs": N_("计划“%(p)s”是 %(y)s 年，与指定的年份 %(o)s 不同。"),
    "plan.missing": N_("计划 %(p)s 不存在。"),
    "code.duplicate": N_("编号 %(c)s 重复（与第 %(r)s 行相同）。"),
    "title.empty": N_("任务内容为空。"),
    "lead.missing": N_("缺少牵头单位。"),
    "lead.collective": N_("牵头单位“%(n)s”为泛指，请写明具体单位。"),
    "unit.group_empty": N_("“%(n)s”：在计划所属的区内找不到它所指的单位，未关联。"),
    "unit.ambiguous": N_("单位“%(n)s”对应多个单位，请写全称。"),
    "unit.collective": N_("“%(n)s”为泛指，未关联具体单位。"),
    "unit.missing": N_("找不到单位“%(n)s”。"),
    "person.ambiguous": N_("人员“%(n)s”有重名，未关联，请在任务中指定。"),
    "person.missing": N_("人员“%(n)s”不在组织中，未关联。"),
    "person.several": N_("填写了多人，仅关联第一位：%(n)s。"),
    "deadline.unreadable": N_("无法识别的完成时限“%(t)s”（例：6月底前、三季度、2024年12月31日、全年）。"),
    "deadline.before_start": N_("完成时限 %(d)s 早于计划开始日期 %(s)s。"),
    "deadline.open": N_("“%(t)s”没有具体日期，暂按计划截止日 %(d)s，请确认。"),
    "deadline.dot_month": N_(
        "“%(t)s”按 1 月理解为 %(d)s；Excel 会把输入的“%(y)s.10”存成数字 %(y)s.1，若指 10 月请改正后重新导入。"
    ),
    "section.empty": N_("分类“%(t)s”下没有任务。"),
    "task.closed": N_("任务 %(c)s 已销号，不能通过导入修改。"),
    "parent.missing": N_("上级任务不存在。"),
    # Units and people (单位和人员)
    "org.header.missing": N_(
        "找不到表头：单位表需要“单位名称、类别”（可有单位代码、上级单位），人员表需要“姓名、单位”。"
    ),
    "org.code.missing": N_("缺少单位代码。"),
    "org.code.generated": N_(
        "文件没有“单位代码”列：%(n)s 个单位的代码按名称拼音首字母生成（如 %(u)s → %(c)s），导入后可修改。"
    ),
    "org.parent.default": N_("文件没有“上级单位”列：%(n)s 个单位将放在“%(p)s”之下。"),
    "org.category.guessed": N_(
        "文件没有“类别”列：%(n)s 个单位的类别按分组标题或名称推断（%(s)s），请在预览中核对。"
    ),
    "org.unit.exists_skipped": N_("单位“%(u)s”已存在（%(n)s，代码 %(c)s），不再新建。"),
    "org.code.duplicate": N_("单位代码 %(c)s 重复（与第 %(r)s 行相同）。"),
    "org.code.exists": N_("单位代码 %(c)s 已存在（%(n)s）。"),
    "org.name.missing": N_("缺少单位名称。"),
    "org.category.missing": N_("缺少单位类别。"),
    "org.category.unknown": N_("未知的单位类别“%(c)s”。"),
    "org.sort.invalid": N_("排序须为整数。"),
    "org.parent.missing": N_("找不到上级单位代码 %(c)s。"),
    "org.parent.self": N_("上级单位不能是自己。"),
    "org.parent.cycle": N_("上级单位形成循环。"),
    "org.person.name_missing": N_("缺少姓名。"),
    "org.person.unit_missing": N_("缺少单位。"),
    "org.person.unit_unknown": N_("找不到单位“%(u)s”（按代码、名称或简称）。"),
    "org.person.role_unknown": N_("未知的角色“%(r)s”。"),
    "org.role.told": N_(
        "没有写“角色”的人按职务识别：单位主要负责人 %(h)s 人（局长、主任、书记等），区领导 %(l)s 人"
        "（区长、副区长等），其余 %(r)s 人为填报员；如有不同，请加“角色”列。"
    ),
    "org.person.start_invalid": N_("日期格式不正确：“%(v)s”（应为 2024-03-01）。"),
    "org.person.username_duplicate": N_("登录名 %(u)s 重复（与第 %(r)s 行相同）。"),
    "org.person.username_exists": N_("登录名 %(u)s 已存在。"),
}


def render_message(code: str, params: dict[str, Any] | None = None, fallback: str = "") -> str:
    """A message code in the active language; an unknown code (or none) shows the stored text."""
    template = MESSAGES.get(code)
    if template is None:
        return fallback
    try:
        return gettext(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return fallback or template


@dataclass
class Problem:
    """One problem of an import file, where the user will look for it: row number and column name.

    `code` and `params` say what it is (see MESSAGES); `message` is its text as written at the time,
    kept so stored previews from before codes existed, and free-text errors, still read."""

    row: int
    column: str
    message: str = ""
    level: str = "error"  # "error" blocks the commit; "warning" is shown and a person decides
    suggestions: list[str] = field(default_factory=list)
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        row: int,
        column: str,
        code: str,
        level: str = "error",
        suggestions: list[str] | None = None,
        **params: Any,
    ) -> Problem:
        params = {k: v if isinstance(v, (int, str)) else str(v) for k, v in params.items()}
        return cls(
            row,
            column,
            render_message(code, params),
            level,
            list(suggestions or []),
            code=code,
            params=params,
        )

    @property
    def text(self) -> str:
        """The message in the reader's (active) language."""
        return render_message(self.code, self.params, self.message)

    def __str__(self) -> str:
        where = gettext("第%(r)s行") % {"r": self.row} if self.row else ""
        col = f"「{self.column}」" if self.column else ""
        hint = gettext("（是否为：%(s)s）") % {"s": "、".join(self.suggestions)} if self.suggestions else ""
        return f"{where}{col}：{self.text}{hint}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def problem_text(stored: dict[str, Any]) -> str:
    """A problem stored in a batch's preview, in the reader's language."""
    return render_message(stored.get("code", ""), stored.get("params"), stored.get("message", ""))


class ImportRefused(Exception):
    """The file has errors; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem], preview: Any = None) -> None:
        self.problems = problems
        self.preview = preview
        super().__init__("\n".join(str(p) for p in problems if p.level == "error"))


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]
