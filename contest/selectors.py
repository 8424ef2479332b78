"""Reads: permission-checked access to one object, and N+1-free lists."""

import rules
from django.db.models import Count, Q, QuerySet

from contest.errors import NotFound, PermissionDeniedError
from contest.models import Category, Contest, ContestRole, User


def access_contest(user: User, slug: str, perm: str = "contest.view_contest") -> Contest:
    """The contest with this slug if the user may `perm` it. Not-visible looks like not-found."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None or not rules.has_perm("contest.view_contest", user, contest):
        raise NotFound()
    if perm != "contest.view_contest" and not user.has_perm(perm, contest):
        raise PermissionDeniedError()
    return contest


def contests_visible_to(user: User) -> QuerySet[Contest]:
    """Public contests, plus drafts the user organises; with their category counts."""
    visible = ~Q(phase=Contest.Phase.DRAFT)
    if user.is_authenticated:
        if user.is_superuser:
            visible = Q()
        else:
            visible |= Q(roles__user=user, roles__role=ContestRole.Role.ORGANISER)
    ids = Contest.objects.filter(visible).values("pk")
    return Contest.objects.filter(pk__in=ids).annotate(category_count=Count("categories"))


def contests_organised_by(user: User) -> QuerySet[Contest]:
    return Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER)


def user_roles(user: User) -> QuerySet[ContestRole]:
    return ContestRole.objects.filter(user=user).select_related("contest").order_by("-contest__year")


def categories_of(contest: Contest) -> QuerySet[Category]:
    return contest.categories.select_related("group", "subject", "stage")


def contest_people(contest: Contest) -> QuerySet[ContestRole]:
    return (contest.roles.select_related("user", "user__institution")
            .order_by("role", "user__real_name"))
