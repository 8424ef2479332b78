"""Notice and appeal services: times and states, the awards lock, filing during the notice only,
one open appeal per work, answers with outcomes."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from awards.models import AwardScheme
from awards.services.decisions import awards_unconfirm
from contest.errors import Conflict, NotFound, ValidationFailed
from contest.models import Contest
from publication.models import Appeal, Notice
from publication.services.appeals import appeal_answer, appeal_file
from publication.services.notices import (
    notice_delete,
    notice_publish,
    notice_save,
    notice_withdraw,
)
from tests import factories
from tests import publication_factories as pf

DAY = dt.timedelta(days=1)


@pytest.fixture
def made(db):
    return pf.awarded_contest(4)


def _times(start_in_days: float, end_in_days: float) -> dict:
    now = timezone.now()
    return {"starts_at": now + start_in_days * DAY, "ends_at": now + end_in_days * DAY}


def _publish(made, start=-1, end=6) -> Notice:
    notice_save(contest=made.contest, actor=made.organiser, fields=_times(start, end))
    return notice_publish(contest=made.contest, actor=made.organiser)


# --- The notice


@pytest.mark.django_db
def test_publish_locks_awards_and_mirrors_dates(made):
    notice = _publish(made, start=1, end=8)
    assert notice.state == Notice.State.SCHEDULED
    scheme = AwardScheme.objects.get(pk=made.scheme.pk)
    assert scheme.locked_at is not None
    contest = Contest.objects.get(pk=made.contest.pk)
    assert contest.results_published_at == notice.starts_at
    assert contest.notice_ends_at == notice.ends_at
    assert contest.phase == Contest.Phase.RESULTS
    with override("en"), pytest.raises(Conflict) as refused:
        awards_unconfirm(scheme=scheme, actor=made.organiser)
    assert "withdraw the public notice" in str(refused.value.message)


@pytest.mark.django_db
def test_publish_needs_confirmed_awards(db):
    made = pf.awarded_contest(2, confirmed=False)
    notice_save(contest=made.contest, actor=made.organiser, fields=_times(1, 8))
    with pytest.raises(Conflict) as refused:
        notice_publish(contest=made.contest, actor=made.organiser)
    assert refused.value.code == "awards_not_confirmed"
    assert Notice.objects.get().published_at is None


@pytest.mark.django_db
def test_publish_twice_and_without_notice_are_refused(made):
    with pytest.raises(Conflict) as refused:
        notice_publish(contest=made.contest, actor=made.organiser)
    assert refused.value.code == "no_notice"
    _publish(made)
    with pytest.raises(Conflict) as refused:
        notice_publish(contest=made.contest, actor=made.organiser)
    assert refused.value.code == "already_published"


@pytest.mark.django_db
def test_times_are_checked(made):
    with override("en"), pytest.raises(ValidationFailed) as refused:
        notice_save(contest=made.contest, actor=made.organiser, fields=_times(3, 2))
    assert "end after it starts" in refused.value.fields["ends_at"][0]
    notice_save(contest=made.contest, actor=made.organiser, fields=_times(-9, -1))
    with pytest.raises(ValidationFailed):
        notice_publish(contest=made.contest, actor=made.organiser)
    with pytest.raises(ValidationFailed) as refused:
        notice_save(contest=made.contest, actor=made.organiser, fields={"colour": "red"})
    assert "colour" in refused.value.fields


@pytest.mark.django_db
def test_open_notice_may_be_extended_not_moved(made):
    notice = _publish(made)
    with pytest.raises(Conflict) as refused:
        notice_save(
            contest=made.contest,
            actor=made.organiser,
            fields={"starts_at": notice.starts_at - DAY},
        )
    assert "starts_at" in refused.value.fields
    with pytest.raises(ValidationFailed):
        notice_save(
            contest=made.contest,
            actor=made.organiser,
            fields={"ends_at": timezone.now() - dt.timedelta(minutes=1)},
        )
    later = notice.ends_at + DAY
    saved = notice_save(
        contest=made.contest, actor=made.organiser, fields={"ends_at": later, "show_authors": False}
    )
    assert saved.ends_at == later and not saved.show_authors
    assert Contest.objects.get(pk=made.contest.pk).notice_ends_at == later


@pytest.mark.django_db
def test_closed_notice_never_changes(made):
    pf.notice(made.contest, state="closed")
    with override("en"), pytest.raises(Conflict) as refused:
        notice_save(contest=made.contest, actor=made.organiser, fields={"text": "改"})
    assert refused.value.code == "notice_closed"
    assert "final" in str(refused.value.message)


@pytest.mark.django_db
def test_withdraw_only_before_start_and_unlocks(made):
    _publish(made, start=1, end=8)
    notice = notice_withdraw(contest=made.contest, actor=made.organiser)
    assert notice.published_at is None and notice.state == Notice.State.DRAFT
    assert AwardScheme.objects.get(pk=made.scheme.pk).locked_at is None
    assert Contest.objects.get(pk=made.contest.pk).phase == Contest.Phase.JUDGING
    notice_delete(contest=made.contest, actor=made.organiser)
    assert not Notice.objects.exists()
    with pytest.raises(NotFound):
        notice_delete(contest=made.contest, actor=made.organiser)


@pytest.mark.django_db
def test_started_notice_cannot_be_withdrawn_nor_deleted(made):
    _publish(made)
    with pytest.raises(Conflict) as refused:
        notice_withdraw(contest=made.contest, actor=made.organiser)
    assert refused.value.code == "notice_started"
    with pytest.raises(Conflict):
        notice_delete(contest=made.contest, actor=made.organiser)
    assert AwardScheme.objects.get(pk=made.scheme.pk).locked_at is not None


# --- Appeals


def _file(made, work=None, **fields):
    work = work or made.works[0]
    return appeal_file(work=work, user=work.entrant, text=fields.pop("text", "分数有误"), **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_appeal_before_the_notice_is_refused(made, state):
    pf.notice(made.contest, state=state)
    with pytest.raises(Conflict) as refused:
        _file(made)
    assert refused.value.code == "notice_not_started"
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_appeal_without_notice_is_refused(made):
    with pytest.raises(Conflict) as refused:
        _file(made)
    assert refused.value.code == "notice_not_started"


@pytest.mark.django_db
def test_late_appeal_is_refused(made):
    pf.notice(made.contest, state="closed")
    with override("en"), pytest.raises(Conflict) as refused:
        _file(made)
    assert refused.value.code == "notice_closed"
    assert "the notice has closed" in str(refused.value.message).lower()
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_appeal_just_after_the_end_is_refused(made):
    notice = pf.notice(made.contest, state="open")
    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now())
    with pytest.raises(Conflict) as refused:
        _file(made)
    assert refused.value.code == "notice_closed"


@pytest.mark.django_db
def test_appeal_during_the_notice(made):
    pf.notice(made.contest, state="open")
    appeal = _file(made, reason=Appeal.Reason.SCORE)
    assert appeal.state == Appeal.State.OPEN
    assert appeal.filed_by == made.works[0].entrant
    assert appeal.reason == "score"


@pytest.mark.django_db
def test_ranked_but_unawarded_work_may_appeal(made):
    pf.notice(made.contest, state="open")
    assert _file(made, work=made.works[3]).pk


@pytest.mark.django_db
def test_unranked_work_may_not_appeal(made):
    pf.notice(made.contest, state="open")
    stray = pf.wf.WorkFactory(contest=made.contest, category=made.category)
    with pytest.raises(Conflict) as refused:
        appeal_file(work=stray, user=stray.entrant, text="为什么")
    assert refused.value.code == "no_result"


@pytest.mark.django_db
def test_another_user_may_not_appeal(made):
    pf.notice(made.contest, state="open")
    with pytest.raises(NotFound):
        appeal_file(work=made.works[0], user=made.works[1].entrant, text="别人的作品")
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_duplicate_open_appeal_is_refused(made):
    pf.notice(made.contest, state="open")
    first = _file(made)
    with override("en"), pytest.raises(Conflict) as refused:
        _file(made, text="再次申诉")
    assert refused.value.code == "duplicate_appeal"
    assert "already has an appeal" in str(refused.value.message)
    appeal_answer(appeal=first, actor=made.organiser, outcome="dismissed", answer="维持原评")
    assert _file(made, text="对答复不服").pk != first.pk


@pytest.mark.django_db
def test_appeal_needs_text_and_known_reason(made):
    pf.notice(made.contest, state="open")
    with pytest.raises(ValidationFailed) as refused:
        _file(made, text="   ")
    assert "text" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        _file(made, reason="mood")
    assert "reason" in refused.value.fields


@pytest.mark.django_db
def test_answer_records_outcome_and_changes(made):
    pf.notice(made.contest, state="open")
    appeal = _file(made)
    with pytest.raises(ValidationFailed) as refused:
        appeal_answer(appeal=appeal, actor=made.organiser, outcome="upheld", answer="同意")
    assert "changes" in refused.value.fields
    with pytest.raises(ValidationFailed):
        appeal_answer(appeal=appeal, actor=made.organiser, outcome="maybe", answer="？")
    answered = appeal_answer(
        appeal=appeal,
        actor=made.organiser,
        outcome="upheld",
        answer="复核后改正",
        changes="评委2的评分表重新开放，总分改为 92.5",
    )
    assert answered.state == Appeal.State.ANSWERED
    assert answered.outcome == "upheld" and answered.answered_by == made.organiser
    assert answered.changes.startswith("评委2")
    with pytest.raises(Conflict) as refused:
        appeal_answer(appeal=appeal, actor=made.organiser, outcome="dismissed", answer="再答")
    assert refused.value.code == "already_answered"


@pytest.mark.django_db
def test_appeals_filed_in_time_may_be_answered_after_the_close(made):
    notice = pf.notice(made.contest, state="open")
    appeal = _file(made)
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - 9 * DAY, ends_at=timezone.now() - DAY
    )
    answered = appeal_answer(
        appeal=appeal,
        actor=made.organiser,
        outcome="partly_upheld",
        answer="部分采纳",
        changes="更正单位名称",
    )
    assert answered.outcome == "partly_upheld"


@pytest.mark.django_db
def test_notice_for_other_contest_does_not_open_appeals(made):
    other = factories.ContestFactory(phase="results")
    pf.notice(other, state="open")
    with pytest.raises(Conflict):
        _file(made)


@pytest.mark.django_db
def test_answer_mails_the_entrant_in_their_language(
    made, mailoutbox, django_capture_on_commit_callbacks
):
    pf.notice(made.contest, state="open")
    entrant = made.works[0].entrant
    entrant.language = "en"
    entrant.save()
    appeal = _file(made)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=appeal, actor=made.organiser, outcome="dismissed", answer="维持原评")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [entrant.email]
    assert made.works[0].title in mail.subject and "answered" in mail.subject
    assert "Dismissed" in mail.body and f"/appeals/{appeal.pk}/" in mail.body
    assert made.organiser.real_name not in mail.body


@pytest.mark.django_db
def test_awards_change_during_the_notice_and_are_final_after_it(made):
    """An upheld appeal may change a tier while the notice runs; once it closes, nothing does."""
    from awards.models import Award
    from awards.services.decisions import award_override

    notice = _publish(made, start=-1, end=6)
    scheme = AwardScheme.objects.get(pk=made.scheme.pk)
    assert scheme.final_at == notice.ends_at
    award = Award.objects.filter(scheme=scheme, kind=Award.Kind.TIER).first()
    assert award_override(award=award, actor=made.organiser, reason="申诉成立", remove=True) is None

    notice_save(
        contest=made.contest, actor=made.organiser, fields={"ends_at": notice.ends_at + DAY}
    )
    assert AwardScheme.objects.get(pk=scheme.pk).final_at == notice.ends_at + DAY

    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    AwardScheme.objects.filter(pk=scheme.pk).update(
        final_at=timezone.now() - dt.timedelta(minutes=1)
    )
    other = Award.objects.filter(scheme=scheme, kind=Award.Kind.TIER).first()
    with override("en"), pytest.raises(Conflict) as refused:
        award_override(award=other, actor=made.organiser, reason="太晚", remove=True)
    assert refused.value.code == "results_final"
    assert Award.objects.filter(pk=other.pk).exists()
