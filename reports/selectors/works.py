"""Reads for the works list used in screening: one row per submitted work, with its people.

One query whatever the number of works: co-authors and the current video's length come in as
subqueries, and rows are read in chunks as plain tuples.
"""

from django.db import connection
from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value

from contest.models import CoAuthor, Contest, VideoAsset, Work
from judging.models import Round

CHUNK = 2000

WORK_FIELDS = (
    "anonymous_code",
    "title",
    "category__name",
    "status",
    "status_reason",
    "entrant__real_name",
    "entrant__email",
    "entrant__phone",
    "entrant__institution__name",
    "entrant__institution__province",
    "entrant__institution__city",
    "co_author_names",
    "supervisor_name",
    "supervisor_institution",
    "submitted_at",
    "video_seconds",
)


def co_authors(field: str, work: str = "pk") -> Subquery:
    """The work's co-authors' `field` ("name", "institution") joined by "、", in their order.

    SQLite before 3.44 cannot order inside an aggregate; there they come in the order they
    were stored, which is their order unless an entrant reordered them."""
    ordered = connection.features.supports_aggregate_order_by_clause
    joined = StringAgg(field, delimiter=Value("、"), order_by=("order", "pk") if ordered else None)
    return Subquery(
        CoAuthor.objects.filter(work=OuterRef(work))
        .exclude(**{field: ""})
        .order_by()
        .values("work")
        .annotate(joined=joined)
        .values("joined")
    )


def works_in_scope(contest: Contest, *, round: Round | None = None, category=None) -> QuerySet:
    """The contest's works past the draft stage, in the round and category if given."""
    works = Work.objects.filter(contest=contest).exclude(status=Work.Status.DRAFT)
    if round is not None:
        works = works.filter(round_entries__round=round)
    if category is not None:
        works = works.filter(category=category)
    return works


def screening_rows(contest: Contest, *, round: Round | None = None, category=None):
    """Tuples in WORK_FIELDS order, by category then anonymous code."""
    seconds = VideoAsset.objects.filter(work=OuterRef("pk"), is_current=True).values("duration")
    return (
        works_in_scope(contest, round=round, category=category)
        .annotate(co_author_names=co_authors("name"), video_seconds=Subquery(seconds[:1]))
        .order_by("category__order", "category__code", "anonymous_code")
        .values_list(*WORK_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
