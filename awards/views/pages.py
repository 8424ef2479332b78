"""Organisers' award pages: overview, scheme set-up, preview with ties, confirmation, the awards
list with overrides.

Every page resolves the contest through `access_awards` (organisers only: 404 when the contest
is hidden, 403 otherwise) and calls awards.services; refusals come back as DomainError and are
shown on the form or as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards import forms
from awards.selectors.awards import awards_of, events_of, preview_subjects
from awards.selectors.schemes import access_award, access_awards, require_scheme, scheme_of
from awards.services import decisions, schemes
from awards.services.preview import awards_preview
from contest.errors import DomainError
from contest.forms.base import add_domain_error
from results.selectors.ranking import category_pools

PER_PAGE = 50
INSTITUTIONS_SHOWN = 100


def _refused(request, error: DomainError) -> None:
    details = [m for messages_ in error.fields.values() for m in messages_]
    messages.error(request, " ".join([str(error.message), *map(str, details)]))


@login_required
def awards_overview(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = scheme_of(contest)
    context = {"contest": contest, "scheme": scheme, "section": "overview"}
    if scheme is not None:
        pools = _pool_names(scheme)
        context["pool_values"] = [
            (tier, pools.get(value.pool_key, value.pool_key), value)
            for tier in scheme.tiers.all()
            for value in tier.pool_values.all()
        ]
        context["pool_form"] = forms.PoolValueForm(scheme=scheme, pools=pools)
        context["events"] = events_of(scheme)
        context["award_count"] = awards_of(contest).count()
        context["unconfirm_form"] = forms.UnconfirmForm()
    return render(request, "awards/overview.html", context)


def _pool_names(scheme) -> dict[str, str]:
    """Pool key → name for the scheme's round (pools joining categories, or the categories)."""
    if scheme is None or scheme.round is None:
        return {}
    return {ref.key: ref.name for ref in category_pools(scheme.round).values()}


@login_required
@require_POST
def award_pool_value(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    form = forms.PoolValueForm(request.POST, scheme=scheme, pools=_pool_names(scheme))
    if not form.is_valid():
        messages.error(request, _("Choose a tier and a pool."))
        return redirect("awards_overview", contest.slug)
    tier = scheme.tiers.get(pk=form.cleaned_data["tier"])
    values = {p.pool_key: p.value for p in tier.pool_values.all()}
    values.pop(form.cleaned_data["pool"], None)
    if form.cleaned_data["value"] is not None:
        values[form.cleaned_data["pool"]] = form.cleaned_data["value"]
    try:
        schemes.tier_update(tier=tier, pool_values=values)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The tier's value in the pool was saved."))
    return redirect("awards_overview", contest.slug)


@login_required
def award_scheme_edit(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = scheme_of(contest)
    post = request.POST if request.method == "POST" else None
    form = forms.SchemeForm(post, instance=scheme, contest=contest)
    tiers = forms.TierFormSet(post, prefix="tiers", initial=forms.tier_initial(scheme))
    prizes = forms.TopPrizeFormSet(post, prefix="top", initial=forms.prize_initial(scheme))
    if post is not None and form.is_valid() & tiers.is_valid() & prizes.is_valid():
        try:
            schemes.scheme_setup(
                contest=contest,
                settings=form.settings(),
                tiers=forms.rows_of(tiers),
                top_prizes=forms.rows_of(prizes),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The award scheme was saved."))
            return redirect("awards_overview", contest.slug)
    context = {"contest": contest, "scheme": scheme, "form": form, "section": "scheme"}
    context |= {"tiers": tiers, "prizes": prizes}
    return render(request, "awards/scheme_form.html", context)


@login_required
def awards_preview_page(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    context = {"contest": contest, "scheme": scheme, "section": "preview"}
    try:
        preview = awards_preview(scheme=scheme)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "awards/preview.html", context)
    works, institutions = preview_subjects(preview)
    pool_names = {pool.key: pool.name for pool in preview.pools}
    tiers = list(scheme.tiers.all())
    context |= {
        "preview": preview,
        "tiers": tiers,
        "prizes": list(scheme.top_prizes.all()),
        "pool_rows": [(p, [p.counts.get(t.pk, 0) for t in tiers]) for p in preview.pools],
        "ties": [
            (t, works.get(t.work), institutions.get(t.institution), pool_names.get(t.pool_key, ""))
            for t in preview.ties
        ],
        "top_lines": [
            (line, works.get(line.work)) for line in preview.lines if line.kind == "top_prize"
        ],
        "institutions": [
            (i, institutions.get(i.id)) for i in preview.institutions[:INSTITUTIONS_SHOWN]
        ],
    }
    return render(request, "awards/preview.html", context)


@login_required
@require_POST
def award_tie(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    form = forms.TieForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason."))
        return redirect("awards_preview", contest.slug)
    try:
        decisions.ties_settle(scheme=scheme, decisions=[form.decision()], actor=request.user)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The tie was decided."))
    return redirect("awards_preview", contest.slug)


@login_required
@require_POST
def awards_confirm_page(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    try:
        decisions.awards_confirm(scheme=scheme, actor=request.user)
    except DomainError as error:
        _refused(request, error)
        return redirect("awards_preview", contest.slug)
    messages.success(request, _("The awards are confirmed."))
    return redirect("award_list", contest.slug)


@login_required
@require_POST
def awards_unconfirm_page(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    form = forms.UnconfirmForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        decisions.awards_unconfirm(scheme=scheme, actor=request.user, reason=reason)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The confirmation was withdrawn; the scheme may change."))
    return redirect("awards_overview", contest.slug)


@login_required
def award_list(request, slug: str):
    contest = access_awards(request.user, slug)
    scheme = require_scheme(contest)
    pool, tier = request.GET.get("pool", ""), request.GET.get("tier", "")
    awards = awards_of(contest, pool=pool or None, tier=int(tier) if tier.isdigit() else None)
    page = Paginator(awards, PER_PAGE).get_page(request.GET.get("page"))
    pools = scheme.snapshot.params.get("pools", []) if scheme.snapshot_id else []
    context = {"contest": contest, "scheme": scheme, "page": page, "section": "list"}
    context |= {"pools": pools, "pool": pool, "tier": tier, "tiers": list(scheme.tiers.all())}
    return render(request, "awards/award_list.html", context)


@login_required
def award_override_page(request, slug: str, pk: int):
    contest = access_awards(request.user, slug)
    award = access_award(contest, pk)
    form = forms.OverrideForm(request.POST or None, award=award)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.award_override(award=award, actor=request.user, **form.service_fields(award))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The award was changed."))
            return redirect("award_list", contest.slug)
    context = {"contest": contest, "award": award, "form": form, "section": "list"}
    return render(request, "awards/override_form.html", context)
