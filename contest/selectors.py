"""Reads: permission-checked access to one object, and N+1-free lists."""

import rules
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from contest.errors import NotFound, PermissionDeniedError
from contest.models import (
    Attachment,
    Category,
    Contest,
    ContestRole,
    Institution,
    User,
    VideoAsset,
    Work,
)


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
    return (
        Contest.objects.filter(pk__in=ids)
        .annotate(category_count=Count("categories"))
        .order_by("-year", "-created_at", "-pk")
    )


def contests_organised_by(user: User) -> QuerySet[Contest]:
    return Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER)


def user_roles(user: User) -> QuerySet[ContestRole]:
    return (
        ContestRole.objects.filter(user=user).select_related("contest").order_by("-contest__year")
    )


def categories_of(contest: Contest) -> QuerySet[Category]:
    return contest.categories.select_related("group", "subject", "stage")


def contest_people(contest: Contest) -> QuerySet[ContestRole]:
    return contest.roles.select_related("user", "user__institution").order_by(
        "role", "user__real_name"
    )


def contests_open_to(user: User) -> QuerySet[Contest]:
    """Contests open for submissions that the user may enter: none they organise or judge."""
    return (
        Contest.objects.filter(phase=Contest.Phase.OPEN)
        .exclude(roles__user=user)
        .order_by("submission_closes_at", "title")
    )


def contest_people_counts(contest: Contest) -> dict[str, int]:
    """How many people hold each role in the contest, in one query."""
    counts = dict(contest.roles.values_list("role").annotate(n=Count("pk")).order_by())
    return {role: counts.get(role, 0) for role in ContestRole.Role.values}


def dimensions_of(contest: Contest, model) -> QuerySet:
    """The contest's groups, subjects or stages (`model` is one of those classes)."""
    return model.objects.filter(contest=contest)


def institution_names_matching(typed: str, *, limit: int) -> list[str]:
    if not typed:
        return []
    return list(
        Institution.objects.filter(name__icontains=typed)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:limit]
    )


def unverified_user_by_email(email: str) -> User | None:
    return User.objects.filter(
        email__iexact=email, email_verified_at__isnull=True, is_active=True
    ).first()


# --- Works


def access_work(user: User, pk: int, perm: str = "contest.view_work") -> Work:
    """The work if the user may `perm` it. Works the user may not see at all look not-found."""
    work = (
        Work.objects.select_related("contest", "category", "entrant__institution")
        .filter(pk=pk)
        .first()
    )
    if work is None or (
        not user.has_perm("contest.view_work", work)
        and not (perm == "contest.endorse_work" and user.has_perm(perm, work))
    ):
        raise NotFound()
    if perm != "contest.view_work" and not user.has_perm(perm, work):
        raise PermissionDeniedError()
    return work


def _latest_video_state() -> Subquery:
    latest = VideoAsset.objects.filter(work=OuterRef("pk")).order_by("-created_at")
    return Subquery(latest.values("state")[:1])


def works_of_entrant(user: User, contest: Contest | None = None) -> QuerySet[Work]:
    works = (
        Work.objects.filter(entrant=user)
        .select_related("contest", "category")
        .annotate(video_state=_latest_video_state())
    )
    if contest is not None:
        works = works.filter(contest=contest)
    return works.prefetch_related(_current_videos(), _current_attachments())


def _current_videos() -> Prefetch:
    return Prefetch(
        "videos", queryset=VideoAsset.objects.filter(is_current=True), to_attr="current_videos"
    )


def _current_attachments() -> Prefetch:
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.filter(is_current=True),
        to_attr="current_attachments",
    )


def work_media(work: Work) -> dict:
    """The work's current files and its latest upload of each kind (which may still be processing
    or refused), for the work's page."""
    videos = list(work.videos.order_by("-created_at")[:5])
    attachments = list(work.attachments.order_by("-created_at"))
    latest_attachment = {}
    for attachment in attachments:
        latest_attachment.setdefault(attachment.kind, attachment)
    return {
        "video": next((v for v in videos if v.is_current), None),
        "latest_video": videos[0] if videos else None,
        "attachments": {a.kind: a for a in attachments if a.is_current},
        "latest_attachments": latest_attachment,
    }


SCREENING_FILTERS = ("category", "status", "state", "q")


def works_for_screening(
    contest: Contest, *, category: str = "", status: str = "", state: str = "", q: str = ""
) -> QuerySet[Work]:
    """The organiser's screening queue with its filters; constant queries per page."""
    works = (
        Work.objects.filter(contest=contest)
        .exclude(status=Work.Status.DRAFT)
        .annotate(video_state=_latest_video_state())
        .select_related("category", "entrant__institution")
        .prefetch_related(_current_videos(), _current_attachments())
        .order_by("submitted_at", "pk")
    )
    if category:
        works = works.filter(category__code=category)
    if status:
        works = works.filter(status=status)
    if state:
        works = works.filter(video_state=state)
    if q:
        works = works.filter(
            Q(title__icontains=q)
            | Q(anonymous_code__iexact=q.strip())
            | Q(entrant__real_name__icontains=q)
            | Q(entrant__institution__name__icontains=q)
        )
    return works


def works_to_endorse(user: User, contest: Contest) -> QuerySet[Work]:
    """Submitted and endorsed works of the institutions the user coordinates in the contest."""
    institutions = ContestRole.objects.filter(
        contest=contest, user=user, role=ContestRole.Role.COORDINATOR
    ).values("institution_id")
    return (
        Work.objects.filter(
            contest=contest,
            entrant__institution_id__in=institutions,
            status__in=[Work.Status.SUBMITTED, Work.Status.ENDORSED],
        )
        .select_related("category", "entrant")
        .order_by("status", "submitted_at")
    )
