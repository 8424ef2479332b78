"""Writes about the public notice (公示): its times and what it shows, publishing and withdrawing.

Callers check permissions first (`publication.selectors.access_notice_contest`). The notice's state
follows from the clock once published: scheduled → open (appeals accepted) → closed (final).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.services.decisions import awards_lock, awards_unlock
from contest.errors import Conflict, NotFound, ValidationFailed
from contest.models import Contest, User
from publication.models import Notice

NOTICE_FIELDS = (
    "starts_at",
    "ends_at",
    "show_title",
    "show_authors",
    "show_institution",
    "show_tier",
    "show_score",
    "text",
)
# Once the notice is open the results are public: its start is history, only these may change.
OPEN_FIELDS = set(NOTICE_FIELDS) - {"starts_at"}


def _locked(contest: Contest) -> Notice | None:
    return Notice.objects.select_for_update().filter(contest=contest).first()


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationFailed(fields={"starts_at": [_("Give the start and the end.")]})
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationFailed(_("Times need a time zone."), fields={})
    if starts_at >= ends_at:
        raise ValidationFailed(fields={"ends_at": [_("The notice must end after it starts.")]})


def _check_open_change(notice: Notice, fields: dict, now: dt.datetime) -> None:
    refused = {
        name
        for name, value in fields.items()
        if name not in OPEN_FIELDS and value != getattr(notice, name)
    }
    if refused:
        raise Conflict(
            _("The notice is open: its start can no longer change."),
            code="notice_open",
            fields={name: [_("Cannot change while the notice is open.")] for name in refused},
        )
    if fields.get("ends_at", notice.ends_at) <= now:
        raise ValidationFailed(
            fields={"ends_at": [_("An open notice can only end in the future.")]}
        )


@transaction.atomic
def notice_save(*, contest: Contest, actor: User, fields: dict) -> Notice:
    """Create the contest's notice or change it. A closed notice never changes (results final);
    an open one may be extended and change what it shows, not its start."""
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in unknown})
    now = timezone.now()
    notice = _locked(contest) or Notice(contest=contest)
    state = notice.state_at(now) if notice.pk else Notice.State.DRAFT
    if state == Notice.State.CLOSED:
        raise Conflict(_("The notice has closed: the results are final."), code="notice_closed")
    if state == Notice.State.OPEN:
        _check_open_change(notice, fields, now)
    for name, value in fields.items():
        setattr(notice, name, value)
    _check_times(notice.starts_at, notice.ends_at)
    notice.save()
    if notice.published_at:
        awards_lock(contest=contest, actor=actor, final_at=notice.ends_at)
        _mirror_on_contest(notice)
    return notice


@transaction.atomic
def notice_publish(*, contest: Contest, actor: User) -> Notice:
    """Publish the notice: it shows from `starts_at`. Needs confirmed awards, which it locks."""
    notice = _locked(contest)
    if notice is None:
        raise Conflict(_("Set the notice's times first."), code="no_notice")
    now = timezone.now()
    if notice.published_at is not None:
        raise Conflict(_("The notice is already published."), code="already_published")
    if notice.ends_at <= now:
        raise ValidationFailed(
            fields={"ends_at": [_("The notice would end before it is published.")]}
        )
    # Awards refuse unconfirmed schemes here, and refuse to unconfirm while locked.
    awards_lock(contest=contest, actor=actor, final_at=notice.ends_at)
    notice.published_at = now
    notice.published_by = actor
    notice.save(update_fields=["published_at", "published_by", "updated_at"])
    _mirror_on_contest(notice)
    return notice


@transaction.atomic
def notice_withdraw(*, contest: Contest, actor: User) -> Notice:
    """Take back a notice that has not started yet; the awards may change again."""
    notice = _locked(contest)
    if notice is None or notice.published_at is None:
        raise Conflict(_("The notice is not published."), code="not_published")
    if notice.state_at(timezone.now()) != Notice.State.SCHEDULED:
        raise Conflict(
            _("The notice has started: its results are public and it cannot be withdrawn."),
            code="notice_started",
        )
    notice.published_at = None
    notice.published_by = None
    notice.save(update_fields=["published_at", "published_by", "updated_at"])
    awards_unlock(contest=contest, actor=actor)
    # Publishing moved judging on to results; nothing was public yet, so it moves back.
    Contest.objects.filter(pk=contest.pk, phase=Contest.Phase.RESULTS).update(
        phase=Contest.Phase.JUDGING
    )
    return notice


def _mirror_on_contest(notice: Notice) -> None:
    """The contest's own timeline shows the notice's dates; judging moves on to results."""
    Contest.objects.filter(pk=notice.contest_id).update(
        results_published_at=notice.starts_at, notice_ends_at=notice.ends_at
    )
    Contest.objects.filter(pk=notice.contest_id, phase=Contest.Phase.JUDGING).update(
        phase=Contest.Phase.RESULTS
    )


@transaction.atomic
def notice_delete(*, contest: Contest, actor: User) -> None:
    """Delete a notice that was never published (or was withdrawn before it started)."""
    notice = _locked(contest)
    if notice is None:
        raise NotFound()
    if notice.published_at is not None:
        raise Conflict(
            _("The notice is published: withdraw it before it starts, or let it run."),
            code="notice_published",
        )
    notice.delete()
