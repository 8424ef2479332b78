"""The public results page (no login): the awarded works of a contest, per category, once the
notice has started. What a row shows is the contest's choice (publication.Notice.show_*)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from contest.models import Category
from contest.selectors import access_contest, categories_of
from publication.selectors.results import (
    organisation_awards,
    public_row,
    published_awards,
    visible_notice,
)

ROWS_PER_PAGE = 50
# Results change only when a notice is published or edited: a minute of caching costs nothing.
PUBLIC_MAX_AGE = 60


def public_results(request, slug: str, category: str = ""):
    contest = access_contest(request.user, slug)
    notice = visible_notice(contest)
    if notice is None:
        raise Http404
    chosen = None
    if category:
        chosen = Category.objects.filter(contest=contest, code=category).first()
        if chosen is None:
            raise Http404
    page = Paginator(published_awards(contest, chosen), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "contest": contest,
        "notice": notice,
        "categories": categories_of(contest),
        "category": chosen,
        "page": page,
        "rows": [public_row(award, notice) for award in page],
        "organisations": organisation_awards(contest) if chosen is None else [],
    }
    response = render(request, "publication/public_results.html", context)
    # Shared caches may keep what visitors see; a logged-in page carries the person's name.
    scope = {"private": True} if request.user.is_authenticated else {"public": True}
    patch_cache_control(response, max_age=PUBLIC_MAX_AGE, **scope)
    return response
