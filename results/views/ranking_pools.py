"""Organisers' pages for a contest's ranking pools (categories ranked together)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError, NotFound
from contest.forms.base import add_domain_error
from judging.selectors.rounds import access_judging
from results.models import Pool
from results.selectors.ranking import pools_of
from results.services.pools import pool_create, pool_delete, pool_update
from results.views.ranking_forms import PoolForm


def _pool(contest, pk: int) -> Pool:
    pool = Pool.objects.filter(contest=contest, pk=pk).first()
    if pool is None:
        raise NotFound()
    return pool


def _saved(request, form, service, **kwargs) -> bool:
    if not form.is_valid():
        return False
    try:
        service(**kwargs, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


@login_required
def pool_list(request, slug: str):
    """The contest's pools, and a form to add one."""
    contest = access_judging(request.user, slug, manage=True)
    form = PoolForm(request.POST or None, contest=contest)
    if request.method == "POST" and _saved(request, form, pool_create, contest=contest):
        messages.success(request, _("The pool was added."))
        return redirect("pool_list", slug)
    context = {"contest": contest, "pools": pools_of(contest), "form": form}
    return render(request, "results/ranking/pool_list.html", context)


@login_required
def pool_edit(request, slug: str, pk: int):
    contest = access_judging(request.user, slug, manage=True)
    pool = _pool(contest, pk)
    initial = {"name": pool.name, "order": pool.order, "categories": list(pool.categories.all())}
    form = PoolForm(request.POST or None, initial=initial, contest=contest)
    if request.method == "POST" and _saved(request, form, pool_update, pool=pool):
        messages.success(request, _("The pool was saved."))
        return redirect("pool_list", slug)
    return render(
        request, "results/ranking/pool_form.html", {"contest": contest, "pool": pool, "form": form}
    )


@login_required
@require_POST
def pool_remove(request, slug: str, pk: int):
    contest = access_judging(request.user, slug, manage=True)
    try:
        pool_delete(pool=_pool(contest, pk))
        messages.success(request, _("The pool was deleted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pool_list", slug)
