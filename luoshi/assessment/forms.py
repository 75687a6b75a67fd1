"""The scheme form: the scheme's settings, and its groups, indicators, grades, bonus and veto rules
as short tables typed one row per line, columns separated by "|" (as an office writes a 考核细则).
A line that cannot be read is refused naming its table and line; the rules (weights, caps, quotas)
are checked by the service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.lib.widgets import FastSelect
from luoshi.org.models import Unit, UnitCategory

from . import events, rules
from .models import Method, PeriodKind, Purpose, Scheme
from .services import GradeData, GroupData, IndicatorData, RuleData, SchemeData

YES = {"是", "y", "yes", "1", "true", "可", "√"}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def _dec(value: str, where: str, blank: bool = False) -> Decimal | None:
    if value == "" and blank:
        return None
    try:
        result = Decimal(value)
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(
            _("%(where)s：“%(v)s”不是数字。") % {"where": where, "v": value}
        ) from None
    if not result.is_finite():
        raise forms.ValidationError(_("%(where)s：“%(v)s”不是数字。") % {"where": where, "v": value})
    return result


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [(n, _cells(line)) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


METHOD_NAMES = {str(label): value for value, label in Method.choices} | {v: v for v in Method.values}
CATEGORY_NAMES = {str(label): value for value, label in UnitCategory.choices} | {
    v: v for v in UnitCategory.values
}


def _params(text: str, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
        name, _eq, value = part.partition("=")
        name = name.strip()
        if name == "trim":
            out["trim"] = True
        elif name in ("plans", "table"):
            try:
                out[name] = [
                    int(v) if name == "plans" else str(Decimal(v)) for v in value.split(",") if v.strip()
                ]
            except (InvalidOperation, ValueError):
                raise forms.ValidationError(
                    _("%(where)s：参数“%(p)s”无法识别。") % {"where": where, "p": part}
                ) from None
        elif name in ("round", "step", "source", "direction"):
            out[name] = value.strip()
        else:
            raise forms.ValidationError(_("%(where)s：参数“%(p)s”无法识别。") % {"where": where, "p": part})
    return out


def _deductions(text: str, where: str) -> list[RuleData]:
    out = []
    for part in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
        bits = [b.strip() for b in part.split(":")]
        if len(bits) < 2:
            raise forms.ValidationError(
                _("%(where)s：扣分规则“%(p)s”应写作 事项类型:每次扣分[:上限]。") % {"where": where, "p": part}
            )
        points = _dec(bits[1], where)
        assert points is not None
        cap = _dec(bits[2], where, blank=True) if len(bits) > 2 else None
        out.append(RuleData(bits[0], points, cap, ":".join(bits[3:]) if len(bits) > 3 else ""))
    return out


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("方案名称"), max_length=200)
    purpose = forms.ChoiceField(label=gettext_lazy("用途"), choices=Purpose.choices)
    period_kind = forms.ChoiceField(label=gettext_lazy("考核周期"), choices=PeriodKind.choices)
    start = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    total = forms.DecimalField(
        label=gettext_lazy("总分"), initial=100, help_text=gettext_lazy("百分制 100，千分制 1000")
    )
    base_score = forms.DecimalField(label=gettext_lazy("起评分"), required=False)
    deduction_cap = forms.DecimalField(label=gettext_lazy("扣分上限"), required=False)
    bonus_cap = forms.DecimalField(label=gettext_lazy("加分上限"), required=False)
    bottom = forms.IntegerField(label=gettext_lazy("末位名次数"), initial=0)
    groups = forms.CharField(
        label=gettext_lazy("考核类别"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行：类别名称 | 单位类别（逗号分隔，如 区直部门,功能区/街镇）| 扣分倍数"),
    )
    indicators = forms.CharField(
        label=gettext_lazy("考核指标"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "每行：考核类别 | 指标 | 分值 | 计分方法 | 上限 | 参数或扣分规则。计分方法：按任务完成、按实绩赋分、按排名赋分、"
            "评分、评议、扣分制；参数如 trim（去掉最高最低分）、plans=1,2、round=3、table=30,28,26；"
            "扣分规则如 work.late_report:10; meetings.absence:5:20（事项类型:每次扣分:上限）"
        ),
    )
    grades = forms.CharField(
        label=gettext_lazy("等次"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "自高到低，每行：等次 | 分数线 | 比例上限% | 可评奖（是/否）| 奖励系数；最后一档分数线为 0"
        ),
    )
    bonuses = forms.CharField(
        label=gettext_lazy("加分规则"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("每行：事项类型 | 每次加分 | 上限 | 说明"),
    )
    vetoes = forms.CharField(
        label=gettext_lazy("一票否决"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("每行：事项类型 | 名称"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, scheme: Scheme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        kinds = ", ".join(k for k, _label in events.kinds())
        self.fields["vetoes"].help_text = f"{self.fields['vetoes'].help_text}（{kinds}）"

    @staticmethod
    def initial_from(data: SchemeData, version: int) -> dict[str, Any]:
        labels = dict(UnitCategory.choices)
        method_labels = dict(Method.choices)

        def extra(i: IndicatorData) -> str:
            if i.method == Method.DEDUCTION:
                return "; ".join(
                    f"{d.kind}:{rules.fmt(d.points)}" + (f":{rules.fmt(d.cap)}" if d.cap is not None else "")
                    for d in i.deductions
                )
            parts = []
            for k, v in i.params.items():
                if v is True:
                    parts.append(k)
                elif isinstance(v, list):
                    parts.append(f"{k}={','.join(str(x) for x in v)}")
                else:
                    parts.append(f"{k}={v}")
            return "; ".join(parts)

        def num(v: Decimal | None) -> str:
            return "" if v is None else rules.fmt(v)

        return {
            "name": data.name,
            "purpose": data.purpose,
            "period_kind": data.period_kind,
            "start": data.start,
            "end": data.end,
            "total": data.total,
            "base_score": data.base_score,
            "deduction_cap": data.deduction_cap,
            "bonus_cap": data.bonus_cap,
            "bottom": data.bottom,
            "version": version,
            "groups": "\n".join(
                f"{g.name} | {','.join(str(labels.get(c, c)) for c in g.categories)} | {rules.fmt(g.multiplier)}"
                for g in data.groups
            ),
            "indicators": "\n".join(
                f"{g.name} | {i.name} | {rules.fmt(i.weight)} | {method_labels.get(i.method, i.method)} | {num(i.cap)} | {extra(i)}"
                for g in data.groups
                for i in g.indicators
            ),
            "grades": "\n".join(
                f"{g.name} | {rules.fmt(g.minimum)} | {num(g.quota)} | {'是' if g.eligible else '否'} | {rules.fmt(g.coefficient)}"
                for g in data.grades
            ),
            "bonuses": "\n".join(
                f"{b.kind} | {rules.fmt(b.points)} | {num(b.cap)} | {b.text}" for b in data.bonuses
            ),
            "vetoes": "\n".join(f"{k} | {label}" for k, label in data.vetoes),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        groups: dict[str, GroupData] = {}
        kept_units = {}
        if self.scheme is not None:
            kept_units = {g.name: sorted(u.pk for u in g.units.all()) for g in self.scheme.groups.all()}
        for n, cells in _lines(cleaned["groups"]):
            where = _("考核类别第%(n)s行") % {"n": n}
            name = cells[0]
            if not name:
                raise forms.ValidationError(_("%(where)s：请填写类别名称。") % {"where": where})
            cats = []
            for c in (cells[1] if len(cells) > 1 else "").replace("，", ",").split(","):
                c = c.strip()
                if not c:
                    continue
                if c not in CATEGORY_NAMES:
                    raise forms.ValidationError(
                        _("%(where)s：未知的单位类别“%(c)s”。") % {"where": where, "c": c}
                    )
                cats.append(CATEGORY_NAMES[c])
            mult = _dec(cells[2], where) if len(cells) > 2 and cells[2] else Decimal(1)
            assert mult is not None
            groups[name] = GroupData(
                name=name, categories=cats, unit_ids=kept_units.get(name, []), multiplier=mult
            )
        for n, cells in _lines(cleaned["indicators"]):
            where = _("考核指标第%(n)s行") % {"n": n}
            cells += [""] * (6 - len(cells))
            group = groups.get(cells[0])
            if group is None:
                raise forms.ValidationError(
                    _("%(where)s：没有名为“%(g)s”的考核类别。") % {"where": where, "g": cells[0]}
                )
            method = METHOD_NAMES.get(cells[3])
            if method is None:
                raise forms.ValidationError(
                    _("%(where)s：未知的计分方法“%(m)s”。") % {"where": where, "m": cells[3]}
                )
            weight = _dec(cells[2], where)
            assert weight is not None
            ind = IndicatorData(
                name=cells[1], weight=weight, method=method, cap=_dec(cells[4], where, blank=True)
            )
            if method == Method.DEDUCTION:
                ind.deductions = _deductions(cells[5], where)
            else:
                ind.params = _params(cells[5], where)
            if not ind.name:
                raise forms.ValidationError(_("%(where)s：请填写指标名称。") % {"where": where})
            group.indicators.append(ind)
        grades = []
        for n, cells in _lines(cleaned.get("grades", "")):
            where = _("等次第%(n)s行") % {"n": n}
            cells += [""] * (5 - len(cells))
            minimum = _dec(cells[1], where)
            assert minimum is not None
            grades.append(
                GradeData(
                    name=cells[0],
                    minimum=minimum,
                    quota=_dec(cells[2].rstrip("%％"), where, blank=True),
                    eligible=cells[3].lower() in YES,
                    coefficient=_dec(cells[4], where, blank=True) or Decimal(1),
                )
            )
        bonuses = []
        for n, cells in _lines(cleaned.get("bonuses", "")):
            where = _("加分规则第%(n)s行") % {"n": n}
            cells += [""] * (4 - len(cells))
            points = _dec(cells[1], where)
            assert points is not None
            bonuses.append(RuleData(cells[0], points, _dec(cells[2], where, blank=True), cells[3]))
        vetoes = []
        for _n, cells in _lines(cleaned.get("vetoes", "")):
            vetoes.append((cells[0], cells[1] if len(cells) > 1 and cells[1] else cells[0]))
        cleaned["data"] = SchemeData(
            name=cleaned["name"],
            start=cleaned["start"],
            end=cleaned["end"],
            total=cleaned["total"],
            purpose=cleaned["purpose"],
            period_kind=cleaned["period_kind"],
            base_score=cleaned.get("base_score"),
            deduction_cap=cleaned.get("deduction_cap"),
            bonus_cap=cleaned.get("bonus_cap"),
            bottom=cleaned["bottom"],
            groups=list(groups.values()),
            grades=grades,
            bonuses=bonuses,
            vetoes=vetoes,
            source=self.scheme.source if self.scheme else "",
        )
        return cleaned


class EventForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        widget=FastSelect, label=gettext_lazy("单位"), queryset=Unit.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"))
    occurred_on = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    count = forms.DecimalField(label=gettext_lazy("次数"), initial=1)
    text = forms.CharField(label=gettext_lazy("事由"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import EventKind

        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.active().order_by("path")
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = EventKind.choices


class ScoreForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        widget=FastSelect, label=gettext_lazy("单位"), queryset=Unit.objects.none()
    )
    score = forms.DecimalField(label=gettext_lazy("分数"))
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
