"""Who gets a certificate for which award, and what it says: read from the confirmed awards.

A subject is one future certificate: its stable key, kind, award, work or institution, holder
and merge-field values (all but the number, which is given when it is issued). Nothing is
written here.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from awards.models import Award
from certificates.models import CertificateKind, CertificateTemplate
from contest.models import CoAuthor, Contest

SEPARATOR = "、"


@dataclass
class Subject:
    key: str
    kind: str
    award: Award | None
    holder: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def work_id(self) -> int | None:
        return self.award.work_id if self.award else None

    @property
    def institution_id(self) -> int | None:
        return self.award.institution_id if self.award else None


def awards_of(contest: Contest, **filters) -> QuerySet[Award]:
    return (
        Award.objects.filter(scheme__contest=contest, **filters)
        .select_related(
            "scheme",
            "tier",
            "top_prize",
            "institution",
            "work__category",
            "work__entrant__institution",
        )
        .prefetch_related(
            Prefetch("work__co_authors", queryset=CoAuthor.objects.order_by("order", "pk"))
        )
        .order_by("kind", "pool_key", "rank", "pk")
    )


def _authors(work) -> list[tuple[str, str, str]]:
    """(key, name, institution) of the entrant and the co-authors, in the order of the work."""
    entrant = work.entrant
    authors = [("e", entrant.real_name, entrant.institution.name if entrant.institution else "")]
    authors += [(f"c{co.pk}", co.name, co.institution) for co in work.co_authors.all()]
    return authors


def _common(award: Award, contest: Contest) -> dict[str, str]:
    work = award.work
    values = {"award": award.prize_name, "contest": contest.title}
    if work is not None:
        values.update(
            work_title=work.title,
            category=award.pool_name or work.category.name,
            supervisor=work.supervisor_name,
        )
    return values


def _work_subjects(award: Award, contest: Contest, per_author: bool) -> list[Subject]:
    authors = _authors(award.work)
    base = f"w{award.work_id}:{award.kind}"
    common = _common(award, contest)
    if not per_author:
        names = SEPARATOR.join(name for _k, name, _i in authors)
        institutions = SEPARATOR.join(dict.fromkeys(i for _k, _n, i in authors if i))
        values = {**common, "name": names, "institution": institutions}
        values["co_authors"] = SEPARATOR.join(name for _k, name, _i in authors[1:])
        return [Subject(f"{base}:all", CertificateKind.WORK_AWARD, award, names, values)]
    subjects = []
    for key, name, institution in authors:
        others = SEPARATOR.join(n for k, n, _i in authors if k != key)
        values = {**common, "name": name, "institution": institution, "co_authors": others}
        subjects.append(Subject(f"{base}:{key}", CertificateKind.WORK_AWARD, award, name, values))
    return subjects


def _supervisor_subject(award: Award, contest: Contest) -> Subject:
    work = award.work
    values = {
        **_common(award, contest),
        "name": work.supervisor_name,
        "institution": work.supervisor_institution,
        # On a supervisor's certificate {co_authors} are the students supervised.
        "co_authors": SEPARATOR.join(name for _k, name, _i in _authors(work)),
    }
    key = f"w{award.work_id}:{award.kind}:sup"
    return Subject(key, CertificateKind.SUPERVISOR, award, work.supervisor_name, values)


def _organisation_subject(award: Award, contest: Contest) -> Subject:
    name = award.institution.name
    values = {**_common(award, contest), "name": name, "institution": name}
    key = f"i{award.institution_id}:org"
    return Subject(key, CertificateKind.ORGANISATION, award, name, values)


def subjects_of(
    contest: Contest, templates: dict[str, CertificateTemplate], **award_filters
) -> list[Subject]:
    """Every certificate the confirmed awards (optionally filtered) call for, for the kinds
    that have a template. Supervisors get one for each award of a work naming a supervisor.
    """
    subjects: list[Subject] = []
    for award in awards_of(contest, **award_filters):
        if award.kind == Award.Kind.ORGANISATION:
            if CertificateKind.ORGANISATION in templates:
                subjects.append(_organisation_subject(award, contest))
            continue
        work_template = templates.get(CertificateKind.WORK_AWARD)
        if work_template is not None:
            subjects += _work_subjects(award, contest, work_template.per_author)
        if CertificateKind.SUPERVISOR in templates and award.work.supervisor_name:
            subjects.append(_supervisor_subject(award, contest))
    return subjects
