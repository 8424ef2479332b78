"""The public results page (no login): the awarded works of a contest, per category, once the
notice has started. What a row shows is the contest's choice (publication.Notice.show_*).
Before the start the page says when results come; organisers may preview it at any time."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from contest.models import Category
from contest.selectors import access_contest, categories_of
from publication.models import Notice
from publication.selectors.appeals import MANAGE, notice_of
from publication.selectors.results import organisation_awards, public_row, published_awards

ROWS_PER_PAGE = 50
# Results change only when a notice is published or edited: a minute of caching costs nothing.
PUBLIC_MAX_AGE = 60


def _category(contest, code: str) -> Category | None:
    if not code:
        return None
    chosen = Category.objects.filter(contest=contest, code=code).first()
    if chosen is None:
        raise Http404
    return chosen


def public_results(request, slug: str, category: str = ""):
    contest = access_contest(request.user, slug)
    notice = notice_of(contest)
    preview = request.user.has_perm(MANAGE, contest)
    if notice is None or (notice.state == Notice.State.DRAFT and not preview):
        raise Http404
    chosen = _category(contest, category)
    shown = notice.is_visible or preview
    page = Paginator(published_awards(contest, chosen) if shown else [], ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "contest": contest,
        "notice": notice,
        "preview": preview and not notice.is_visible,
        "categories": categories_of(contest),
        "category": chosen,
        "page": page,
        "rows": [public_row(award, notice) for award in page],
        "organisations": organisation_awards(contest) if shown and chosen is None else [],
    }
    response = render(request, "publication/public_results.html", context)
    # Shared caches may keep what visitors see; a logged-in page carries the person's name.
    scope = {"private": True} if request.user.is_authenticated else {"public": True}
    patch_cache_control(response, max_age=PUBLIC_MAX_AGE, **scope)
    return response
