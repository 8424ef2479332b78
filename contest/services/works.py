"""Writes about works: creation, editing, submission, withdrawal, endorsement and screening.

The status of a work changes only here. Permission to act on a given work is checked by the caller
(through the rules perms); these functions enforce the contest's rules: the deadline in China's time
zone, the works-per-entrant limit under concurrent requests, and the status graph.
"""

import math
import secrets
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import (
    Attachment,
    Category,
    CoAuthor,
    Contest,
    ProcessingState,
    User,
    VideoAsset,
    Work,
    WorkEvent,
)

S = Work.Status
# Unambiguous letters and digits (no 0/O, 1/I/L): codes are read aloud and typed by organisers.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
EDITABLE = {S.DRAFT, S.RETURNED}
# Statuses that count against the works-per-entrant limit.
ACTIVE = {S.DRAFT, S.SUBMITTED, S.ENDORSED, S.ACCEPTED, S.RETURNED}
SCREEN_DECISIONS = {
    "accept": S.ACCEPTED,
    "return": S.RETURNED,
    "reject": S.REJECTED,
    "disqualify": S.DISQUALIFIED,
}
WORK_FIELDS = ("title", "summary", "category", "supervisor_name", "supervisor_institution")


def new_anonymous_code(contest: Contest) -> str:
    """A random code, unique in the contest: 31^8 ≈ 8.5e11 values, so guessing is hopeless."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Work.objects.filter(contest=contest, anonymous_code=code).exists():
            return code


def submissions_open(contest: Contest, now=None) -> bool:
    now = now or timezone.now()
    return (
        contest.phase == Contest.Phase.OPEN
        and (contest.submission_opens_at is None or now >= contest.submission_opens_at)
        and (contest.submission_closes_at is None or now < contest.submission_closes_at)
    )


def fixes_open(contest: Contest, now=None) -> bool:
    """Whether a work returned for fixes may still be changed and resubmitted."""
    now = now or timezone.now()
    if submissions_open(contest, now):
        return True
    deadline = contest.screening_deadline
    return (
        deadline is not None
        and now < deadline
        and contest.phase in (Contest.Phase.OPEN, Contest.Phase.SCREENING)
    )


def can_edit(work: Work, now=None) -> bool:
    if work.status == S.DRAFT:
        return submissions_open(work.contest, now)
    if work.status == S.RETURNED:
        return fixes_open(work.contest, now)
    return False


def check_editable(work: Work) -> None:
    if work.status not in EDITABLE:
        raise Conflict(
            _("A work that is “%s” can no longer be changed.") % work.get_status_display(),
            code="not_editable",
        )
    if not can_edit(work):
        raise Conflict(
            _("The deadline has passed: the work can no longer be changed."), code="deadline_passed"
        )


def _record(work: Work, *, actor: User | None, to: str, reason: str = "") -> None:
    WorkEvent.objects.create(
        work=work, actor=actor, from_status=work.status, to_status=to, reason=reason
    )
    work.status = to
    work.status_reason = reason


def _notify(work: Work, event: str) -> None:
    from contest.tasks import send_work_notification

    transaction.on_commit(lambda: send_work_notification.enqueue(work.pk, event))


def _clean_fields(contest: Contest, fields: dict) -> dict:
    errors: dict[str, list[str]] = {}
    unknown = fields.keys() - set(WORK_FIELDS)
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    category = fields.get("category")
    if category is not None and (
        not isinstance(category, Category) or category.contest_id != contest.pk
    ):
        errors["category"] = [_("Choose a category of this contest.")]
    title = " ".join(str(fields.get("title", "x")).split())
    if "title" in fields and not title:
        errors["title"] = [_("This field is required.")]
    for name, limit in (
        ("title", 120),
        ("summary", 2000),
        ("supervisor_name", 60),
        ("supervisor_institution", 120),
    ):
        if len(str(fields.get(name, ""))) > limit:
            errors[name] = [_("Use at most %d characters.") % limit]
    if errors:
        raise ValidationFailed(fields=errors)
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = title
    return cleaned


def _set_co_authors(work: Work, co_authors: Sequence[dict]) -> None:
    limit = work.contest.max_co_authors
    if len(co_authors) > limit:
        raise ValidationFailed(
            fields={"co_authors": [_("A work may have at most %d co-authors.") % limit]}
        )
    rows = []
    for order, author in enumerate(co_authors):
        name = " ".join(str(author.get("name", "")).split())
        institution = " ".join(str(author.get("institution", "")).split())
        if not name or len(name) > 60 or len(institution) > 120:
            raise ValidationFailed(
                fields={
                    "co_authors": [
                        _(
                            "Each co-author needs a name (up to 60 characters) and an institution "
                            "(up to 120)."
                        )
                    ]
                }
            )
        rows.append(CoAuthor(work=work, name=name, institution=institution, order=order))
    work.co_authors.all().delete()
    CoAuthor.objects.bulk_create(rows)


def _check_supervisor(work: Work) -> None:
    group = work.category.group
    if group is not None and group.requires_supervisor and not work.supervisor_name:
        raise ValidationFailed(
            fields={
                "supervisor_name": [
                    _("Works of the group “%s” need a supervising teacher.") % group.name
                ]
            }
        )


@transaction.atomic
def work_create(
    *, contest: Contest, entrant: User, co_authors: Sequence[dict] = (), **fields
) -> Work:
    """A new draft. The entrant's row is locked so parallel requests cannot pass the limit."""
    if not submissions_open(contest):
        raise Conflict(_("This contest does not accept works now."), code="submissions_closed")
    User.objects.select_for_update().filter(pk=entrant.pk).first()
    active = Work.objects.filter(contest=contest, entrant=entrant, status__in=ACTIVE).count()
    if active >= contest.works_per_entrant:
        raise Conflict(
            _("You may enter at most %d work(s) in this contest.") % contest.works_per_entrant,
            code="too_many_works",
        )
    fields = _clean_fields(contest, fields)
    if fields.get("category") is None:
        raise ValidationFailed(fields={"category": [_("This field is required.")]})
    work = Work(
        contest=contest, entrant=entrant, anonymous_code=new_anonymous_code(contest), **fields
    )
    _check_supervisor(work)
    work.save()
    _set_co_authors(work, co_authors)
    WorkEvent.objects.create(work=work, actor=entrant, from_status=S.DRAFT, to_status=S.DRAFT)
    return work


@transaction.atomic
def work_update(*, work: Work, co_authors: Sequence[dict] | None = None, **fields) -> Work:
    work = (
        Work.objects.select_for_update(of=("self",))
        .select_related("contest", "category__group")
        .get(pk=work.pk)
    )
    check_editable(work)
    for name, value in _clean_fields(work.contest, fields).items():
        setattr(work, name, value)
    _check_supervisor(work)
    work.save()
    if co_authors is not None:
        _set_co_authors(work, co_authors)
    return work


def missing_for_submission(work: Work) -> list[str]:
    """What still keeps the work from being submitted, as messages for the entrant."""
    missing = []
    if not VideoAsset.objects.filter(
        work=work, is_current=True, state=ProcessingState.READY
    ).exists():
        missing.append(_("a checked video"))
    ready = set(
        Attachment.objects.filter(
            work=work, is_current=True, state=ProcessingState.READY
        ).values_list("kind", flat=True)
    )
    labels = dict(Attachment._meta.get_field("kind").choices)
    missing += [
        str(labels[kind]) for kind in work.contest.required_attachments if kind not in ready
    ]
    return missing


@transaction.atomic
def work_submit(*, work: Work, actor: User, accept_licence: bool) -> Work:
    work = Work.objects.select_for_update(of=("self",)).select_related("contest").get(pk=work.pk)
    check_editable(work)
    if work.contest.licence_text and not (accept_licence or work.licence_accepted_at):
        raise ValidationFailed(
            fields={"accept_licence": [_("Please read and accept the licence.")]}
        )
    missing = missing_for_submission(work)
    if missing:
        raise Conflict(
            _("Before submitting, add: %s.") % "、".join(missing), code="incomplete_work"
        )
    now = timezone.now()
    if accept_licence and not work.licence_accepted_at:
        work.licence_accepted_at = now
    work.submitted_at = now
    _record(work, actor=actor, to=S.SUBMITTED)
    work.save()
    _notify(work, "submitted")
    return work


def can_withdraw(work: Work, now=None) -> bool:
    """Before the deadline, or for a returned work while fixes are still open."""
    return work.status in ACTIVE and (
        submissions_open(work.contest, now)
        or (work.status == S.RETURNED and fixes_open(work.contest, now))
    )


@transaction.atomic
def work_withdraw(*, work: Work, actor: User) -> Work:
    work = Work.objects.select_for_update(of=("self",)).select_related("contest").get(pk=work.pk)
    if work.status not in ACTIVE:
        raise Conflict(
            _("A work that is “%s” cannot be withdrawn.") % work.get_status_display(),
            code="not_withdrawable",
        )
    if not can_withdraw(work):
        raise Conflict(
            _("The deadline has passed: the work can no longer be withdrawn."),
            code="deadline_passed",
        )
    _record(work, actor=actor, to=S.WITHDRAWN)
    work.save()
    return work


def _endorsement_cap(contest: Contest, entered: int) -> int | None:
    caps = []
    if contest.endorsement_quota:
        caps.append(contest.endorsement_quota)
    if contest.endorsement_quota_percent:
        caps.append(max(1, math.floor(entered * contest.endorsement_quota_percent / 100)))
    return min(caps) if caps else None


@transaction.atomic
def work_endorse(*, work: Work, actor: User) -> Work:
    """An institution's coordinator recommends a submitted work, within the contest's quota."""
    contest = Contest.objects.select_for_update().get(pk=work.contest_id)
    work = Work.objects.select_for_update(of=("self",)).select_related("entrant").get(pk=work.pk)
    if not contest.endorsement_required:
        raise Conflict(_("This contest has no endorsement step."), code="no_endorsement")
    if work.status != S.SUBMITTED:
        raise Conflict(_("Only submitted works can be endorsed."), code="not_endorsable")
    same_place = Work.objects.filter(
        contest=contest, entrant__institution_id=work.entrant.institution_id
    )
    entered = same_place.filter(status__in=ACTIVE - {S.DRAFT}).count()
    cap = _endorsement_cap(contest, entered)
    if cap is not None and same_place.filter(status=S.ENDORSED).count() >= cap:
        raise Conflict(
            _("Your institution may endorse at most %d work(s).") % cap, code="quota_reached"
        )
    _record(work, actor=actor, to=S.ENDORSED)
    work.save()
    return work


def _screenable_from(contest: Contest) -> set[str]:
    return {S.ENDORSED} if contest.endorsement_required else {S.SUBMITTED, S.ENDORSED}


def check_decision(decision: str, reason: str) -> tuple[str, str]:
    """The target status and the cleaned reason of a screening decision, or a field error."""
    target = SCREEN_DECISIONS.get(decision)
    if target is None:
        raise ValidationFailed(fields={"decision": [_("Choose a valid decision.")]})
    reason = reason.strip()
    if target != S.ACCEPTED and not reason:
        raise ValidationFailed(fields={"reason": [_("Give the entrant a reason.")]})
    if len(reason) > 2000:
        raise ValidationFailed(fields={"reason": [_("Use at most %d characters.") % 2000]})
    return target, reason


@transaction.atomic
def work_screen(*, work: Work, actor: User, decision: str, reason: str = "") -> Work:
    """An organiser's screening decision: accept, return for fixes, reject, or disqualify."""
    target, reason = check_decision(decision, reason)
    work = Work.objects.select_for_update(of=("self",)).select_related("contest").get(pk=work.pk)
    allowed = ACTIVE - {S.DRAFT} if target == S.DISQUALIFIED else _screenable_from(work.contest)
    if work.status not in allowed:
        raise Conflict(
            _("A work that is “%(status)s” cannot be given this decision.")
            % {"status": work.get_status_display()},
            code="invalid_decision",
        )
    _record(work, actor=actor, to=target, reason=reason)
    work.save()
    _notify(work, target)
    return work


def works_screen_bulk(
    *, works: Iterable[Work], actor: User, decision: str, reason: str = ""
) -> dict[int, str]:
    """Screen several works; each in its own transaction. Returns {work id: error} for refusals."""
    from contest.errors import DomainError

    check_decision(decision, reason)  # a bad decision or reason refuses the whole batch at once
    refused = {}
    for work in works:
        try:
            work_screen(work=work, actor=actor, decision=decision, reason=reason)
        except DomainError as exc:
            refused[work.pk] = str(exc.message)
    return refused
