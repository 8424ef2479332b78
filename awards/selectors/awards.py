"""Reads of confirmed awards and of the preview's rows, N+1-free, for organisers' pages, the API,
and the apps above (publication, certificates, reports): `awards_of` is their one list."""

from django.db.models import QuerySet

from awards.models import Award, AwardEvent, AwardScheme, Kind
from awards.services.preview import Preview
from contest.models import Contest, Institution, Work

KINDS = [Kind.TOP_PRIZE, Kind.TIER, Kind.ORGANISATION]


def awards_of(
    contest: Contest,
    *,
    pool: str | None = None,
    tier: int | None = None,
    kind: str | None = None,
) -> QuerySet[Award]:
    """The contest's confirmed awards with what a list shows (work, entrant, institution, prize),
    top prizes first, then by pool and rank. Empty while the awards are not confirmed."""
    awards = Award.objects.filter(scheme__contest=contest).select_related(
        "scheme",
        "tier",
        "top_prize",
        "institution",
        "work__category",
        "work__entrant__institution",
    )
    if pool:
        awards = awards.filter(pool_key=pool)
    if tier:
        awards = awards.filter(tier_id=tier)
    if kind:
        awards = awards.filter(kind=kind)
    return awards.order_by("-kind", "pool_key", "rank", "pk")


def events_of(scheme: AwardScheme, limit: int = 50) -> QuerySet[AwardEvent]:
    """The scheme's latest decisions, newest first."""
    return AwardEvent.objects.filter(scheme=scheme).select_related("actor", "work", "institution")[
        :limit
    ]


def preview_subjects(preview: Preview) -> tuple[dict[int, Work], dict[int, Institution]]:
    """The works and institutions the preview's ties, top prizes and organisation lines name,
    fetched in two queries (pool tiers of every work are counted, not listed)."""
    work_ids = {t.work for t in preview.ties if t.work}
    work_ids |= {line.work for line in preview.lines if line.kind == Kind.TOP_PRIZE}
    works = Work.objects.select_related("entrant__institution", "category").in_bulk(work_ids)
    inst_ids = {t.institution for t in preview.ties if t.institution}
    inst_ids |= {i.id for i in preview.institutions}
    return works, Institution.objects.in_bulk(inst_ids)
