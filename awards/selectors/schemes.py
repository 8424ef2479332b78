"""Reads about award schemes: permission-checked access, the frozen snapshot a scheme awards, and
the state publication relies on (`awards_confirmed`, `awards_locked`).

Only a contest's organisers reach its scheme and awards here; entrants and the public see awards
through publication, judges never.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from awards.models import Award, AwardScheme, AwardTier
from contest.errors import Conflict, NotFound
from contest.models import Contest, User
from contest.selectors import access_contest
from results.models import ResultSnapshot

MANAGE = "contest.manage_contest"


def access_awards(user: User, slug: str) -> Contest:
    """The contest, if the user organises it (others: 404 when hidden, else 403)."""
    return access_contest(user, slug, MANAGE)


def scheme_of(contest: Contest) -> AwardScheme | None:
    """The contest's scheme with its tiers (and their per-pool values) and top prizes."""
    tiers = AwardTier.objects.prefetch_related("pool_values")
    return (
        AwardScheme.objects.select_related("round", "snapshot", "contest")
        .prefetch_related(Prefetch("tiers", queryset=tiers), "top_prizes")
        .filter(contest=contest)
        .first()
    )


def require_scheme(contest: Contest) -> AwardScheme:
    scheme = scheme_of(contest)
    if scheme is None:
        raise NotFound(_("The contest has no award scheme yet."), code="no_scheme")
    return scheme


def snapshot_of(scheme: AwardScheme) -> ResultSnapshot:
    """The frozen results the scheme awards: the confirmed one, else its round's current one."""
    if scheme.snapshot_id:
        return scheme.snapshot
    if scheme.round_id is None:
        raise Conflict(_("Choose the round whose frozen results are awarded."), code="no_snapshot")
    snapshot = ResultSnapshot.objects.filter(round_id=scheme.round_id).first()
    if snapshot is None:
        raise Conflict(
            _("The scheme's round has no frozen results yet: freeze its ranking first."),
            code="no_snapshot",
        )
    return snapshot


def awards_confirmed(contest: Contest) -> bool:
    """True once the contest's awards are confirmed (publication needs them)."""
    return AwardScheme.objects.filter(contest=contest, confirmed_at__isnull=False).exists()


def awards_locked(contest: Contest) -> bool:
    """True while the results are published: the awards may not be unconfirmed nor re-allocated."""
    return AwardScheme.objects.filter(contest=contest, locked_at__isnull=False).exists()


def access_award(contest: Contest, pk: int) -> Award:
    """An award of this contest's scheme (another contest's id is "not found")."""
    award = (
        Award.objects.select_related("scheme", "tier", "top_prize", "work", "institution")
        .filter(pk=pk, scheme__contest=contest)
        .first()
    )
    if award is None:
        raise NotFound()
    return award


def snapshot_awarded(snapshot: ResultSnapshot) -> bool:
    """Confirmed awards rest on the snapshot, so results may not discard it (SNAPSHOT_USERS)."""
    return AwardScheme.objects.filter(snapshot=snapshot).exists()
