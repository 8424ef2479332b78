"""What the notice publishes: the awarded works of a contest (per category), and each entrant's
own result. Reads the confirmed awards (awards.Award) and the snapshot they were allocated from.

Invariants: nothing here returns a judge (name, id, per-judge total); the public rows carry only
the fields the contest chose to show (`public_row`), and the score only when it chose to.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from awards.models import Award, AwardScheme
from awards.selectors.schemes import awards_confirmed
from contest.models import Category, CoAuthor, Contest, Work
from publication.models import Notice
from results.models import SnapshotEntry

WORK_KINDS = (Award.Kind.TOP_PRIZE, Award.Kind.TIER)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""


def scheme_of(contest: Contest) -> AwardScheme | None:
    return AwardScheme.objects.filter(contest=contest).first()


def publication_readiness(contest: Contest) -> Readiness:
    """Whether the contest's awards may be published: a scheme with confirmed awards."""
    if not awards_confirmed(contest):
        return Readiness(False, _("Confirm the awards before publishing the notice."))
    return Readiness(True)


def published_awards(contest: Contest, category: Category | None = None) -> QuerySet[Award]:
    """The contest's confirmed work awards, top prizes first, then by tier, then by rank; with
    the entrant, institution and co-authors loaded (a constant number of queries per page)."""
    awards = Award.objects.filter(scheme__contest=contest, kind__in=WORK_KINDS).select_related(
        "scheme", "tier", "top_prize", "work__category", "work__entrant__institution"
    )
    if category is not None:
        awards = awards.filter(work__category=category)
    top_first = Case(When(kind=Award.Kind.TOP_PRIZE, then=Value(0)), default=Value(1))
    return awards.prefetch_related(
        Prefetch("work__co_authors", queryset=CoAuthor.objects.order_by("order", "pk"))
    ).order_by(top_first, "top_prize__order", "tier__order", "rank", "work__title", "pk")


def organisation_awards(contest: Contest) -> QuerySet[Award]:
    return (
        Award.objects.filter(scheme__contest=contest, kind=Award.Kind.ORGANISATION)
        .select_related("institution", "scheme")
        .order_by("rank", "institution__name", "pk")
    )


@dataclass(frozen=True)
class PublicRow:
    """One line of the public page: only what the contest chose to show is filled in."""

    prize: str = ""
    rank: int | None = None
    category: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    institution: str = ""
    score: Decimal | None = None


def authors_of(work: Work) -> list[str]:
    return [work.entrant.real_name, *(a.name for a in work.co_authors.all())]


def institution_of(work: Work) -> str:
    institution = work.entrant.institution
    return institution.name if institution else ""


def public_row(award: Award, notice: Notice) -> PublicRow:
    work = award.work
    return PublicRow(
        prize=award.prize_name if notice.show_tier else "",
        rank=award.rank,
        category=work.category.name,
        title=work.title if notice.show_title else "",
        authors=authors_of(work) if notice.show_authors else [],
        institution=institution_of(work) if notice.show_institution else "",
        score=award.score if notice.show_score else None,
    )


def visible_notice(contest: Contest) -> Notice | None:
    """The contest's notice if its results are public now (published and started)."""
    notice = Notice.objects.filter(contest=contest).first()
    return notice if notice is not None and notice.is_visible else None


@dataclass(frozen=True)
class OwnResult:
    """An entrant's own result: never a judge or another work's score."""

    work: Work
    pool: str
    rank: int | None
    pool_size: int
    shares_rank: bool
    score: Decimal | None
    prizes: list[str]
    final: bool


def result_of_work(work: Work, notice: Notice | None) -> OwnResult | None:
    """The work's result in the awarded snapshot, once the notice has started; None when the
    work was not ranked there (or nothing is public yet)."""
    if notice is None or not notice.is_visible:
        return None
    scheme = scheme_of(work.contest)
    if scheme is None or scheme.snapshot_id is None:
        return None
    entry = SnapshotEntry.objects.filter(snapshot_id=scheme.snapshot_id, work=work).first()
    prizes = [
        a.prize_name
        for a in Award.objects.filter(scheme=scheme, work=work, kind__in=WORK_KINDS)
        .select_related("scheme", "tier", "top_prize")
        .order_by("kind", "pk")
    ]
    if entry is None and not prizes:
        return None
    return _own(work, scheme, entry, prizes, notice)


def _own(work, scheme, entry, prizes, notice) -> OwnResult:
    pool_size = 0
    pool = ""
    if entry is not None:
        pool_size = SnapshotEntry.objects.filter(
            snapshot_id=scheme.snapshot_id, pool_key=entry.pool_key
        ).count()
        pool = _pool_name(scheme, entry)
    return OwnResult(
        work=work,
        pool=pool,
        rank=entry.rank if entry else None,
        pool_size=pool_size,
        shares_rank=bool(entry and entry.shares_rank),
        score=entry.score if entry else None,
        prizes=prizes,
        final=notice.is_final,
    )


def _pool_name(scheme: AwardScheme, entry: SnapshotEntry) -> str:
    pools = (scheme.snapshot.params or {}).get("pools", []) if scheme.snapshot else []
    for pool in pools:
        if pool.get("key") == entry.pool_key:
            return pool.get("name", "")
    return entry.category.name
