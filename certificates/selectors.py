"""Reads of certificates: permission-checked access to one object and N+1-free lists.

Organisers of a contest reach its templates and certificates; an entrant reaches the issued
certificates of their own works and nothing else (another's is "not found"); judges reach none.
"""

from django.db.models import Q, QuerySet

from certificates.models import Certificate, CertificateTemplate
from contest.errors import NotFound
from contest.models import Contest, User
from contest.selectors import access_contest
from reports.models import GeneratedFile

MANAGE = "contest.manage_contest"
BATCH_KIND = "certificates"  # GeneratedFile.kind of certificate batches


def access_certificates(user: User, slug: str) -> Contest:
    """The contest whose certificates the user organises (404 unseen, 403 not organiser)."""
    return access_contest(user, slug, MANAGE)


def access_template(user: User, pk: int) -> CertificateTemplate:
    template = CertificateTemplate.objects.select_related("contest").filter(pk=pk).first()
    if template is None or not user.has_perm(MANAGE, template.contest):
        raise NotFound()
    return template


def access_certificate(user: User, pk: int) -> Certificate:
    """A certificate for its contest's organisers; anyone else gets "not found"."""
    certificate = (
        Certificate.objects.select_related("contest", "template", "replaces", "replaced_by")
        .filter(pk=pk)
        .first()
    )
    if certificate is None or not user.has_perm(MANAGE, certificate.contest):
        raise NotFound()
    return certificate


def access_own_certificate(user: User, pk: int) -> Certificate:
    """An issued certificate of one of the user's own works; anything else is "not found"."""
    if not user.is_authenticated:
        raise NotFound()
    certificate = (
        Certificate.objects.select_related("template", "contest")
        .filter(pk=pk, work__entrant=user, state=Certificate.State.ISSUED)
        .first()
    )
    if certificate is None:
        raise NotFound()
    return certificate


def templates_of(contest: Contest) -> QuerySet[CertificateTemplate]:
    return CertificateTemplate.objects.filter(contest=contest).order_by("kind")


def certificates_of(
    contest: Contest, *, search: str = "", state: str = ""
) -> QuerySet[Certificate]:
    """The contest's certificates, newest number last; `search` matches number or holder."""
    query = Certificate.objects.filter(contest=contest).select_related("replaced_by", "replaces")
    if search:
        query = query.filter(Q(number__icontains=search) | Q(holder__icontains=search))
    if state in Certificate.State.values:
        query = query.filter(state=state)
    return query.order_by("seq")


def certificates_of_entrant(user: User) -> QuerySet[Certificate]:
    """The issued certificates of the user's works (their own, co-authors' and supervisors')."""
    return (
        Certificate.objects.filter(work__entrant=user, state=Certificate.State.ISSUED)
        .select_related("contest")
        .order_by("-issued_at", "seq")
    )


def certificate_files_of(contest: Contest) -> QuerySet[GeneratedFile]:
    return GeneratedFile.objects.filter(contest=contest, kind=BATCH_KIND).order_by(
        "-created_at", "-pk"
    )


def access_certificate_file(user: User, pk: int) -> GeneratedFile:
    """A certificate batch file for its contest's organisers; anyone else gets "not found"."""
    generated = (
        GeneratedFile.objects.select_related("contest").filter(pk=pk, kind=BATCH_KIND).first()
    )
    if generated is None or not user.has_perm(MANAGE, generated.contest):
        raise NotFound()
    return generated
