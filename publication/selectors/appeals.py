"""Reads about notices and appeals, each behind one permission check."""

from django.db.models import QuerySet

from contest.errors import NotFound, PermissionDeniedError
from contest.models import Contest, User, Work
from contest.selectors import access_contest
from publication.models import Appeal, Notice

MANAGE = "publication.manage_notice"


def access_notice_contest(user: User, slug: str) -> Contest:
    """The contest whose notice and appeals the user organises (403 for those who only see it)."""
    return access_contest(user, slug, MANAGE)


def notice_of(contest: Contest) -> Notice | None:
    return Notice.objects.filter(contest=contest).first()


def access_own_work(user: User, pk: int) -> Work:
    """A work of the user's own, for their result and appeals. Anybody else's work — another
    entrant's, or one a judge or organiser reaches otherwise — is not found here."""
    work = (
        Work.objects.select_related("contest", "category")
        .filter(pk=pk, entrant_id=user.pk if user.is_authenticated else None)
        .first()
    )
    if work is None:
        raise NotFound()
    return work


def access_appeal(user: User, pk: int, *, answer: bool = False) -> Appeal:
    """An appeal its entrant (to read) or the contest's organisers (to read and answer) reach;
    anybody else gets not-found."""
    appeal = (
        Appeal.objects.select_related("work__contest", "work__category", "filed_by", "answered_by")
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not user.has_perm("publication.view_appeal", appeal):
        raise NotFound()
    if answer and not user.has_perm("publication.answer_appeal", appeal):
        raise PermissionDeniedError()
    return appeal


def appeals_of_contest(contest: Contest, *, state: str = "") -> QuerySet[Appeal]:
    """The contest's appeals, newest first, with what a list row shows (constant queries)."""
    appeals = Appeal.objects.filter(work__contest=contest).select_related(
        "work__category", "filed_by", "answered_by"
    )
    if state:
        appeals = appeals.filter(state=state)
    return appeals.order_by("-created_at", "-pk")


def appeals_of_work(work: Work) -> QuerySet[Appeal]:
    return Appeal.objects.filter(work=work).select_related("answered_by").order_by("-created_at")
