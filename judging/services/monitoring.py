"""Organisers' actions while a round runs: reminder e-mails to judges with unfinished work,
and reassigning a judge's unfinished work to others."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contest.errors import Conflict, ValidationFailed
from contest.models import User
from judging.models import Assignment, Round
from judging.selectors.monitoring import UNFINISHED, judges_with_unfinished_work
from judging.services import assignment as assignment_services

logger = logging.getLogger(__name__)
A = Assignment.State


def reminders_queue(*, round: Round, actor: User | None) -> int:
    """Queue reminder e-mails for the round's judges with unfinished work (sent by a task
    once the transaction commits); returns how many judges will get one."""
    if round.state != Round.State.OPEN:
        raise Conflict(_("Reminders go out only while the round is open."), code="round_not_open")
    count = judges_with_unfinished_work(round).count()
    if count:
        from judging.tasks import send_reminders

        round_id = round.pk
        transaction.on_commit(lambda: send_reminders.enqueue(round_id))
    logger.info("round %s: reminders queued by %s for %s judges", round.pk, actor, count)
    return count


def reminders_send(*, round_id: int) -> int:
    """E-mail each judge with unfinished work in the round, in their language, with a link to
    their queue. Returns the number of e-mails sent."""
    round_ = Round.objects.select_related("contest").filter(pk=round_id).first()
    if round_ is None or round_.state != Round.State.OPEN:
        return 0
    counts = dict(judges_with_unfinished_work(round_))
    judges = User.objects.filter(pk__in=list(counts), is_active=True).order_by("pk")
    link = settings.SITE_URL.rstrip("/") + _queue_path(round_.pk)
    messages = [_reminder(round_, judge, counts[judge.pk], link) for judge in judges]
    mailers.default.send_messages(messages)
    return len(messages)


def _queue_path(round_id: int) -> str:
    """The judge's queue of the round (the workspace's page), else the judging home."""
    try:
        return reverse("judge_queue", args=[round_id])
    except NoReverseMatch:
        return "/judging/"


def _reminder(round_: Round, judge: User, count: int, link: str) -> EmailMessage:
    with translation.override(judge.language), timezone.override(settings.TIME_ZONE):
        context = {"round": round_, "contest": round_.contest, "judge": judge, "count": count}
        subject = ngettext(
            "Reminder: %(count)d work awaits your scores (%(round)s)",
            "Reminder: %(count)d works await your scores (%(round)s)",
            count,
        ) % {"count": count, "round": round_.name}
        body = render_to_string("judging/email/reminder.txt", {**context, "link": link})
    # A header never holds a line break, whatever the round's name.
    return EmailMessage(" ".join(subject.split()), body, None, [judge.email])


@dataclass
class ReassignResult:
    removed: int
    withdrawn: int
    added: int


@transaction.atomic
def judge_work_reassign(*, round: Round, judge: User, actor: User | None) -> ReassignResult:
    """Take the judge's unfinished work in the round and give it to other judges.

    Assignments with nothing scored are deleted; those with saved scores become recusals,
    which keeps their append-only history. Submitted sheets stay. The judge gets none of the
    work back in this fill."""
    round_ = assignment_services.locked_round(round)
    unfinished = list(
        Assignment.objects.select_for_update()
        .filter(round=round_, judge=judge, state__in=UNFINISHED)
        .order_by("pk")
    )
    if not unfinished:
        raise ValidationFailed(
            fields={"judge": [_("This judge has no unfinished work in the round.")]}
        )
    scored = [a.pk for a in unfinished if assignment_services.has_scores(a)]
    Assignment.objects.filter(pk__in=scored).update(
        state=A.RECUSED, recusal_reason=_("Reassigned by an organiser."), updated_at=timezone.now()
    )
    Assignment.objects.filter(pk__in=[a.pk for a in unfinished]).exclude(pk__in=scored).delete()
    result = assignment_services.round_fill(round_id=round_.pk, exclude_judges={judge.pk})
    logger.info("round %s: work of judge %s reassigned by %s", round_.pk, judge.pk, actor)
    return ReassignResult(len(unfinished) - len(scored), len(scored), result.added_count)
