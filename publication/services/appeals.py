"""Writes about appeals (申诉): an entrant files one during the notice, an organiser answers it.

Callers check permissions first (`publication.selectors.appeals.access_appeal_work` for filing,
`access_appeal(..., answer=True)` for answering). Filing is refused outside the notice
(starts_at ≤ now < ends_at) and while the work has an open appeal; answering needs an outcome,
and an upheld appeal records what changed.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, NotFound, ValidationFailed
from contest.models import User, Work
from publication.models import Appeal, Notice
from publication.selectors.results import result_of_work
from publication.tasks import send_appeal_answer

MAX_TEXT = 4000
CHANGES_REQUIRED = {Appeal.Outcome.UPHELD, Appeal.Outcome.PARTLY_UPHELD}


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(fields={field: [_("At most %(n)s characters.") % {"n": MAX_TEXT}]})
    return value


def check_notice_open(notice: Notice | None) -> Notice:
    """The notice, if appeals are accepted now; else a clear refusal."""
    state = notice.state if notice is not None else Notice.State.DRAFT
    if state == Notice.State.CLOSED:
        raise Conflict(
            _("The notice has closed: the results are final and appeals are no longer accepted."),
            code="notice_closed",
        )
    if state != Notice.State.OPEN:
        raise Conflict(_("Appeals open when the public notice starts."), code="notice_not_started")
    return notice


@transaction.atomic
def appeal_file(*, work: Work, user: User, text: str, reason: str = "") -> Appeal:
    """File the entrant's appeal against the work's published result."""
    work = Work.objects.select_for_update().select_related("contest").get(pk=work.pk)
    if work.entrant_id != user.pk:
        raise NotFound()
    if reason and reason not in Appeal.Reason.values:
        raise ValidationFailed(fields={"reason": [_("Unknown reason.")]})
    text = _text(text, "text")
    notice = check_notice_open(Notice.objects.filter(contest_id=work.contest_id).first())
    if result_of_work(work, notice) is None:
        raise Conflict(_("This work has no published result to appeal."), code="no_result")
    if Appeal.objects.filter(work=work, state=Appeal.State.OPEN).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                notice=notice, work=work, filed_by=user, reason=reason, text=text
            )
    except IntegrityError as exc:
        raise _duplicate() from exc


def _duplicate() -> Conflict:
    return Conflict(
        _(
            "This work already has an appeal waiting for an answer. You may appeal again once it "
            "is answered."
        ),
        code="duplicate_appeal",
    )


@transaction.atomic
def appeal_answer(
    *, appeal: Appeal, actor: User, outcome: str, answer: str, changes: str = ""
) -> Appeal:
    """Answer an open appeal. Score changes themselves go through the organisers' tools
    (e.g. reopening a sheet); `changes` records what was changed."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.state != Appeal.State.OPEN:
        raise Conflict(_("This appeal has already been answered."), code="already_answered")
    if outcome not in Appeal.Outcome.values:
        raise ValidationFailed(fields={"outcome": [_("Choose an outcome.")]})
    answer = _text(answer, "answer")
    changes = _text(changes, "changes", required=outcome in CHANGES_REQUIRED)
    appeal.state = Appeal.State.ANSWERED
    appeal.outcome = outcome
    appeal.answer = answer
    appeal.changes = changes
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    appeal.save()
    transaction.on_commit(lambda: send_appeal_answer.enqueue(appeal.pk))
    return appeal
