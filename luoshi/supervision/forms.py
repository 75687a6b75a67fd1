from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_TEXT
from luoshi.lib.widgets import FastSelect, FastSelectMultiple
from luoshi.org.models import Person, Role, Unit
from luoshi.work.forms_flow import MultipleFileField

from .models import HandoffKind, LevelChoice, Outcome, SourceKind

DATE = forms.DateInput(attrs={"type": "date"})


class ItemForm(forms.Form):
    """新建督办事项: the source (a leader's instruction with its text, leader and date, …), the lead
    and co-units, the deadline and how often the unit answers."""

    title = forms.CharField(label=_("督办事项"), max_length=300)
    source_kind = forms.ChoiceField(label=_("来源"), choices=SourceKind.choices)
    instruction_text = forms.CharField(
        label=_("批示内容"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    instruction_leader = forms.ModelChoiceField(
        widget=FastSelect, label=_("批示领导"), required=False, queryset=Person.objects.none()
    )
    instruction_date = forms.DateField(label=_("批示日期"), required=False, widget=DATE)
    source_ref = forms.CharField(label=_("来源编号"), required=False, max_length=100)
    lead_unit = forms.ModelChoiceField(widget=FastSelect, label=_("牵头单位"), queryset=Unit.objects.all())
    co_units = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("配合单位"), required=False, queryset=Unit.objects.all()
    )
    deadline = forms.DateField(label=_("办结时限"), widget=DATE)
    cadence_days = forms.IntegerField(label=_("反馈周期（天）"), min_value=1, max_value=366, initial=7)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["instruction_leader"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            memberships__post__role=Role.LEADER
        ).distinct()


class HandoffForm(forms.Form):
    kind = forms.ChoiceField(choices=HandoffKind.choices)
    to_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("承办单位"), required=False, queryset=Unit.objects.all()
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    version = forms.IntegerField(required=False)


class NoticeForm(forms.Form):
    level = forms.ChoiceField(label=_("督办层级"), choices=LevelChoice.choices)


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("办理情况"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    stall_reason = forms.CharField(
        label=_("未推进原因"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("佐证材料"), required=False)
    # Ids of the task's own evidence to carry (沿用): whatever is posted, the service checks each one.
    carried = forms.TypedMultipleChoiceField(
        label=_("沿用的佐证材料"), required=False, coerce=int, choices=()
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        data = args[0] if args else None
        ids = data.getlist("carried") if hasattr(data, "getlist") else []
        self.fields["carried"].choices = [(i, i) for i in ids if str(i).isdigit() and len(str(i)) < 19]  # type: ignore[attr-defined]

    def carried_ids(self) -> set[int]:
        """The carried ids as posted (to show the boxes as the unit left them when the form comes back)."""
        if not self.is_bound:
            return set()
        posted = self.data.getlist("carried") if hasattr(self.data, "getlist") else []
        return {int(i) for i in posted if str(i).isdigit() and len(str(i)) < 19}


class CloseForm(forms.Form):
    effect = forms.CharField(
        label=_("办理成效"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccountabilityForm(forms.Form):
    person = forms.ModelChoiceField(widget=FastSelect, label=_("问责对象"), queryset=Person.objects.all())
    finding = forms.CharField(
        label=_("问责事由"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(label=_("处理结果"), choices=Outcome.choices)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)


class DecideForm(forms.Form):
    """The queue's decision on the chosen proposals."""

    proposals = forms.TypedMultipleChoiceField(coerce=int, choices=())
    action = forms.ChoiceField(choices=[("accept", _("采纳")), ("dismiss", _("驳回"))])
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("按建议"))] + LevelChoice.choices
    )
    reason = forms.CharField(label=_("驳回理由"), required=False, max_length=500)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        data = args[0] if args else None
        ids = data.getlist("proposals") if hasattr(data, "getlist") else []
        self.fields["proposals"].choices = [(i, i) for i in ids if str(i).isdigit() and len(str(i)) < 12]  # type: ignore[attr-defined]
