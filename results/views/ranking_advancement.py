"""Organisers' page sending a frozen round's best works to a later round: preview, then apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from results.services.advancement import advancement_apply, advancement_plan, target_rounds
from results.views.ranking import page_snapshot
from results.views.ranking_forms import AdvancementForm


@login_required
def ranking_advance(request, slug: str, pk: int):
    """GET: the form. POST: the preview (counts per pool, cut-offs, ties flagged); POST with
    ``apply``: send the works."""
    snapshot = page_snapshot(request, slug, pk)
    form = AdvancementForm(request.POST or None, rounds=target_rounds(snapshot))
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "apply" in request.POST:
                done = advancement_apply(snapshot=snapshot, actor=request.user, **data)
                messages.success(
                    request,
                    _("%(count)s works were sent to %(round)s.")
                    % {"count": done.count, "round": done.to_round.name},
                )
                return redirect("round_ranking", slug, pk)
            plan = advancement_plan(
                snapshot=snapshot, rule=data["rule"], value=data["value"], per_pool=data["per_pool"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    context = {
        "contest": snapshot.round.contest,
        "round": snapshot.round,
        "snapshot": snapshot,
        "form": form,
        "plan": plan,
    }
    return render(request, "results/ranking/advance.html", context)
