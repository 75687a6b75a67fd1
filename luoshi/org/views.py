"""Organisation pages (组织人员): the unit tree, a unit's posts and holders, people and portfolios.

For the supervision office and the system admin (`org.access.require_org_keeper`); everyone else
gets 403.
Views are thin: they parse a form, call a service in `services_manage`, and show a refused call's
message; an edit made on a stale copy answers 409 with the stored values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.lib.crypto_fields import blind_index
from luoshi.web.errors import UNSAVED, Submitted, form_submit

from .access import require_org_keeper
from .forms import EndForm, HolderForm, PeopleSearchForm, PersonForm, PortfolioForm, PostForm, UnitForm
from .models import Membership, Person, PortfolioUnit, Post, Unit
from .services_manage import (
    holder_end,
    holder_start,
    person_add,
    person_stamp,
    person_update,
    portfolio_change,
    portfolio_stamp,
    post_add,
    post_stamp,
    post_update,
    unit_add,
    unit_edit,
    unit_stamp,
)

PEOPLE_PER_PAGE = 50


def _manager(request: HttpRequest) -> None:
    require_org_keeper(request.user)


# ---------------------------------------------------------------------------------------------
# Units


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """Every unit in tree order, with its posts and current holders counted (two aggregate queries)."""
    _manager(request)
    rows = list(
        Unit.objects.annotate(n_posts=Count("posts", distinct=True))
        .select_related("parent")
        .only("pk", "code", "name", "short_name", "category", "depth", "path", "is_active", "parent__name")
        .order_by("path")
    )
    current = Membership.objects.current().values("post__unit_id").annotate(n=Count("pk"))
    holders = {r["post__unit_id"]: r["n"] for r in current}
    for u in rows:
        u.n_holders = holders.get(u.pk, 0)
        u.indent = range(u.depth)
    return render(request, "org/unit_tree.html", {"units": rows})


def _unit_form_initial(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "aliases": unit.aliases,
        "category": unit.category,
        "parent": unit.parent_id,
        "sort": unit.sort,
        "is_active": unit.is_active,
        "seen": unit_stamp(unit),
    }


@login_required
def unit_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    initial: dict[str, Any] = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            form, unit_add, reload_on_conflict=False, actor=request.user, code=d["code"], **_unit_values(d)
        )
        if done.saved:
            messages.success(request, _("已新建单位“%(n)s”。") % {"n": done.value.name})
            return redirect("org:unit", pk=done.value.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": None})


def _unit_values(d: dict[str, Any]) -> dict[str, Any]:
    """The fields a unit's form gives both `unit_add` and `unit_edit`."""
    return {
        "name": d["name"],
        "category": d["category"],
        "parent": d["parent"],
        "short_name": d["short_name"],
        "aliases": d["aliases"],
        "sort": d["sort"] or 0,
    }


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit: its fields (edited here), its posts with their current holders, and who holds what."""
    _manager(request)
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    form = UnitForm(initial=_unit_form_initial(unit), unit=unit)
    if request.method == "POST":
        form = UnitForm(request.POST, initial=_unit_form_initial(unit), unit=unit)
        if form.is_valid():
            d = form.cleaned_data
            done = form_submit(
                form,
                unit_edit,
                actor=request.user,
                unit=unit,
                seen=d["seen"] or None,
                is_active=d["is_active"],
                **_unit_values(d),
            )
            if done.saved:
                messages.success(request, _("单位已保存。"))
                return redirect("org:unit", pk=unit.pk)
            if done.conflict:
                unit.refresh_from_db()
                return _unit_page(request, unit, done=done)
    return _unit_page(request, unit, form)


def _unit_page(
    request: HttpRequest,
    unit: Unit,
    form: UnitForm | None = None,
    *,
    done: Submitted = UNSAVED,
    post_form: PostForm | None = None,
    holder_form: HolderForm | None = None,
) -> HttpResponse:
    """The unit's page; without `form`, its form holds the stored values (after a 409, `done`)."""
    if form is None:
        form = UnitForm(initial=_unit_form_initial(unit), unit=unit)
    current = Membership.objects.current().select_related("person").order_by("start", "pk")
    posts = list(
        Post.objects.filter(unit=unit)
        .prefetch_related(Prefetch("memberships", queryset=current, to_attr="holders"))
        .order_by("title", "pk")
    )
    for post in posts:
        post.form = PostForm(
            prefix=f"post{post.pk}",
            initial={"title": post.title, "role": post.role, "senior": post.senior, "seen": post_stamp(post)},
        )
    ctx = {
        "unit": unit,
        "form": form,
        "conflict": done.conflict,
        "posts": posts,
        "children": list(unit.children.order_by("sort", "path").only("pk", "name", "is_active")),
        "post_form": post_form or PostForm(prefix="new"),
        "holder_form": holder_form or HolderForm(unit=unit),
        "end_form": EndForm(),
    }
    return render(request, "org/unit_detail.html", ctx, status=done.status)


@login_required
@require_POST
def post_new(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    unit = get_object_or_404(Unit, pk=pk)
    form = PostForm(request.POST, prefix="new")
    if form.is_valid():
        d = form.cleaned_data
        fields = {"title": d["title"], "role": d["role"], "senior": d["senior"]}
        if form_submit(
            form, post_add, reload_on_conflict=False, actor=request.user, unit=unit, **fields
        ).saved:
            messages.success(request, _("已新建岗位。"))
            return redirect("org:unit", pk=unit.pk)
    return _unit_page(request, unit, post_form=form)


@login_required
@require_POST
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    post = get_object_or_404(Post.objects.select_related("unit"), pk=pk)
    form = PostForm(request.POST, prefix=f"post{post.pk}")
    if not form.is_valid():
        messages.error(request, _("岗位填写有误。"))
        return redirect("org:unit", pk=post.unit_id)
    d = form.cleaned_data
    fields = {"title": d["title"], "role": d["role"], "senior": d["senior"]}
    done = form_submit(request, post_update, actor=request.user, post=post, seen=d["seen"] or None, **fields)
    if done.conflict:
        return _unit_page(request, post.unit, done=done)
    if done.saved:
        messages.success(request, _("岗位已保存。"))
    return redirect("org:unit", pk=post.unit_id)


@login_required
@require_POST
def holder_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A person takes one of this unit's posts (任职)."""
    _manager(request)
    unit = get_object_or_404(Unit, pk=pk)
    form = HolderForm(request.POST, unit=unit)
    if form.is_valid():
        d = form.cleaned_data
        fields = {"person": d["person"], "post": d["post"], "start": d["start"]}
        if form_submit(form, holder_start, reload_on_conflict=False, actor=request.user, **fields).saved:
            messages.success(request, _("%(p)s 已任 %(t)s。") % {"p": d["person"].name, "t": d["post"].title})
            return redirect("org:unit", pk=unit.pk)
    return _unit_page(request, unit, holder_form=form)


@login_required
@require_POST
def holder_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """A person leaves a post (离任); the post and its tasks stay."""
    _manager(request)
    membership = get_object_or_404(Membership.objects.select_related("post"), pk=pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写离任日期。"))
    elif form_submit(
        request,
        holder_end,
        reload_on_conflict=False,
        actor=request.user,
        membership=membership,
        end=form.cleaned_data["end"],
    ).saved:
        messages.success(request, _("已办理离任。"))
    target = request.POST.get("next_person")
    if target and target.isdigit():
        return redirect("org:person", pk=int(target))
    return redirect("org:unit", pk=membership.post.unit_id)


# ---------------------------------------------------------------------------------------------
# People


def phone_q(q: str) -> Q:
    """People whose phone number is `q` (any spacing or +86), by its keyed hash: the column is
    encrypted."""
    digest = blind_index(q)
    return Q(phone_hash=digest) if digest else Q(pk__in=[])


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """People with their current posts, searchable by name, pinyin or initials; 50 to a page."""
    _manager(request)
    search = PeopleSearchForm(request.GET)
    qs = Person.objects.order_by("name", "pk")
    q = search.cleaned_data.get("q", "").strip().lower() if search.is_valid() else ""
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(pinyin__icontains=q) | Q(initials__icontains=q) | phone_q(q))
    current = Membership.objects.current().select_related("post__unit").order_by("start", "pk")
    page = Paginator(
        qs.prefetch_related(Prefetch("memberships", queryset=current, to_attr="posts_now")), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "search": search, "q": q})


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {"name": d["name"], "phone": d["phone"], "card_no": d["card_no"]}
        done = form_submit(form, person_add, reload_on_conflict=False, actor=request.user, **fields)
        if done.saved:
            messages.success(request, _("已新建人员“%(n)s”。") % {"n": done.value.name})
            return redirect("org:person", pk=done.value.pk)
    return render(request, "org/person_form.html", {"form": form})


def _person_initial(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "phone": person.phone,
        "card_no": person.card_no,
        "seen": person_stamp(person),
    }


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person: fields (edited here), posts held and held before, and a leader's portfolio (分管)."""
    _manager(request)
    person = get_object_or_404(Person, pk=pk)
    form = PersonForm(initial=_person_initial(person))
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            fields = {"name": d["name"], "phone": d["phone"], "card_no": d["card_no"]}
            done = form_submit(
                form, person_update, actor=request.user, person=person, seen=d["seen"] or None, **fields
            )
            if done.conflict:
                person.refresh_from_db()
                return _person_page(request, person, done=done)
            if done.saved:
                messages.success(request, _("人员已保存。"))
                return redirect("org:person", pk=person.pk)
    return _person_page(request, person, form)


def _person_page(
    request: HttpRequest,
    person: Person,
    form: PersonForm | None = None,
    *,
    portfolio_form: PortfolioForm | None = None,
    done: Submitted = UNSAVED,
) -> HttpResponse:
    """The person's page; without `form`, its form holds the stored values (after a 409, `done`)."""
    if form is None:
        form = PersonForm(initial=_person_initial(person))
    memberships = list(person.memberships.select_related("post__unit").order_by("-start", "-pk"))
    portfolio = list(
        PortfolioUnit.objects.filter(leader=person).select_related("unit").order_by("unit__path")
    )
    ctx = {
        "person": person,
        "form": form,
        "conflict": done.conflict,
        "memberships": memberships,
        "portfolio": portfolio,
        "portfolio_form": portfolio_form
        or PortfolioForm(initial={"units": [p.unit_id for p in portfolio], "seen": portfolio_stamp(person)}),
        "end_form": EndForm(),
    }
    return render(request, "org/person_detail.html", ctx, status=done.status)


@login_required
@require_POST
def person_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a leader's portfolio (分管单位)."""
    _manager(request)
    person = get_object_or_404(Person, pk=pk)
    form = PortfolioForm(request.POST)
    if form.is_valid():
        done = form_submit(
            form,
            portfolio_change,
            actor=request.user,
            leader=person,
            units=list(form.cleaned_data["units"]),
            seen=form.cleaned_data["seen"] or None,
        )
        if done.conflict:
            return _person_page(request, person, done=done)
        if done.saved:
            messages.success(request, _("分管单位已保存。"))
            return redirect("org:person", pk=person.pk)
    return _person_page(request, person, portfolio_form=form)
