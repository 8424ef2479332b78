"""Issuing certificates from the confirmed awards, revoking and reissuing them.

Invariants: a certificate's number and code never change; at most one issued certificate per
subject (see Certificate); numbers come from a per-contest sequence taken under a lock on the
contest row, so concurrent batches cannot hand out one number twice. A holder whose text has a
character no font can draw gets no certificate: it is reported instead of printed as a box.
"""

import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateTemplate
from certificates.pdf.fonts import missing_characters
from certificates.services.fields import fields_in, fill, format_number
from certificates.services.subjects import Subject, subjects_of
from certificates.services.templates import fonts
from contest.errors import Conflict, ValidationFailed
from contest.models import Contest, User

CODE_BYTES = 12  # 96 random bits, 16 URL-safe characters


@dataclass
class IssueReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    revoked: int = 0  # subjects whose certificate was revoked: reissue them by hand
    stale: int = 0  # issued certificates no award calls for any more: revoke them by hand
    problems: list[dict] = field(default_factory=list)


def templates_of(contest: Contest) -> dict[str, CertificateTemplate]:
    return {t.kind: t for t in CertificateTemplate.objects.filter(contest=contest)}


def chinese_date(moment) -> str:
    day = timezone.localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _missing(subject_fields: dict, template: CertificateTemplate) -> list[str]:
    text = "".join(fill(b["text"], subject_fields) for b in template.blocks if fields_in(b["text"]))
    return missing_characters(text, fonts())


def _problem(subject: Subject, missing: list[str]) -> dict:
    return {
        "subject": subject.key,
        "holder": subject.holder,
        "work_title": subject.fields.get("work_title", ""),
        "characters": missing,
        "labels": [f"{char} U+{ord(char):04X}" for char in missing],
    }


def certificates_check(*, contest: Contest) -> list[dict]:
    """Holders whose certificate would need a character no font has (nothing is written)."""
    templates = templates_of(contest)
    problems = []
    for subject in subjects_of(contest, templates):
        missing = _missing(subject.fields, templates[subject.kind])
        if missing:
            problems.append(_problem(subject, missing))
    return problems


class _Numbers:
    """Hands out the contest's next sequence numbers; call inside the contest-row lock."""

    def __init__(self, contest: Contest):
        self.contest = contest
        self.last = Certificate.objects.filter(contest=contest).aggregate(m=Max("seq"))["m"] or 0

    def new(self, template: CertificateTemplate) -> tuple[int, str]:
        self.last += 1
        number = format_number(
            template.numbering, year=self.contest.year, contest=self.contest.slug, seq=self.last
        )
        return self.last, number


def _new_certificate(subject, template, numbers, actor, now, **extra) -> Certificate:
    seq, number = numbers.new(template)
    values = {**subject.fields, "date": chinese_date(now), "certificate_no": number}
    return Certificate(
        contest=numbers.contest,
        template=template,
        kind=subject.kind,
        subject=subject.key,
        award=subject.award,
        work_id=subject.work_id,
        institution_id=subject.institution_id,
        holder=subject.holder[:300],
        fields=values,
        seq=seq,
        number=number,
        code=secrets.token_urlsafe(CODE_BYTES),
        issued_at=now,
        issued_by=actor,
        **extra,
    )


def _refresh(certificate: Certificate, subject: Subject, template) -> bool:
    """Bring an issued certificate's snapshot up to date; True when something changed."""
    values = {
        **subject.fields,
        "date": certificate.fields.get("date", ""),
        "certificate_no": certificate.number,
    }
    changed = (
        certificate.fields != values
        or certificate.holder != subject.holder[:300]
        or certificate.award_id != subject.award.pk
        or certificate.template_id != template.pk
    )
    if changed:
        certificate.fields = values
        certificate.holder = subject.holder[:300]
        certificate.award = subject.award
        certificate.template = template
    return changed


@transaction.atomic
def certificates_issue(*, contest: Contest, actor: User) -> IssueReport:
    """Issue a certificate to every subject the awards call for, or regenerate the one issued
    (same number and code, the snapshot refreshed). Revoked subjects are left to a reissue."""
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    templates = templates_of(contest)
    if not templates:
        raise Conflict(_("Create a certificate template first."))
    existing: dict[str, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(contest=contest).order_by("seq"):
        existing.setdefault(certificate.subject, []).append(certificate)
    report, numbers, now = IssueReport(), _Numbers(contest), timezone.now()
    new, changed, wanted = [], [], set()
    for subject in subjects_of(contest, templates):
        wanted.add(subject.key)
        template = templates[subject.kind]
        missing = _missing(subject.fields, template)
        if missing:
            report.problems.append(_problem(subject, missing))
            continue
        history = existing.get(subject.key, [])
        issued = next((c for c in history if c.state == Certificate.State.ISSUED), None)
        if issued is not None:
            if _refresh(issued, subject, template):
                changed.append(issued)
            continue
        if history:
            report.revoked += 1
            continue
        new.append(_new_certificate(subject, template, numbers, actor, now))
    Certificate.objects.bulk_create(new, batch_size=500)
    Certificate.objects.bulk_update(
        changed, ["fields", "holder", "award", "template"], batch_size=500
    )
    report.created, report.updated = len(new), len(changed)
    live = {key for key, history in existing.items() if any(not c.is_revoked for c in history)}
    report.unchanged = len(live & wanted) - len(changed)
    report.stale = len(live - wanted)
    return report


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    return reason[:1000]


def _locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke an issued certificate: the verification page says so from now on."""
    reason = _reason(reason)
    certificate = _locked(certificate)
    if certificate.is_revoked:
        raise Conflict(_("This certificate is already revoked."))
    certificate.state = Certificate.State.REVOKED
    certificate.revoked_reason = reason
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.save(update_fields=["state", "revoked_reason", "revoked_at", "revoked_by"])
    return certificate


def _current_subject(contest, templates, certificate: Certificate) -> Subject:
    """The subject as the awards describe it now, else as the certificate described it."""
    if certificate.work_id or certificate.institution_id:
        where = (
            {"work_id": certificate.work_id}
            if certificate.work_id
            else {"institution_id": certificate.institution_id}
        )
        for subject in subjects_of(contest, templates, **where):
            if subject.key == certificate.subject:
                return subject
    values = {k: v for k, v in certificate.fields.items() if k != "certificate_no"}
    return Subject(certificate.subject, certificate.kind, None, certificate.holder, values)


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Replace a certificate by a new one (new number and code) linked to it.

    An issued certificate is revoked with the reason first. The new one says what the awards say
    now about its subject, or what the old one said if no award calls for it any more.
    """
    reason = _reason(reason)
    contest = Contest.objects.select_for_update().get(pk=certificate.contest_id)
    certificate = _locked(certificate)
    if Certificate.objects.filter(replaces=certificate).exists():
        raise Conflict(_("This certificate was already replaced."))
    if not certificate.is_revoked:
        certificate = certificate_revoke(certificate=certificate, actor=actor, reason=reason)
    templates = templates_of(contest)
    template = templates.get(certificate.kind, certificate.template)
    subject = _current_subject(contest, templates, certificate)
    missing = _missing(subject.fields, template)
    if missing:
        raise ValidationFailed(
            _("The font has no glyph for %(chars)s.") % {"chars": " ".join(missing)}
        )
    new = _new_certificate(
        subject, template, _Numbers(contest), actor, timezone.now(), replaces=certificate
    )
    if subject.award is None:
        new.work_id, new.institution_id = certificate.work_id, certificate.institution_id
    new.save()
    return new
