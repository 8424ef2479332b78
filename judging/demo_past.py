"""Last year's demo contest (2025), judged and closed, so the results side has data to show.

Eight accepted works of the demo entrants (reusing the 2026 demo videos: no new video is made),
a first round whose five judges submitted every sheet, one work that went through third marking
and now waits for arbitration by the chief judge (judge01), one that third marking resolved. The
round is closed, not frozen: the organiser can compare the methods, freeze and award it.

Judging goes through the real services (assignment, sheets, divergence checks), so the data is
what a real round would hold. Idempotent: nothing happens when the contest already has a round.
"""

import datetime as dt
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contest.models import (
    Category,
    Contest,
    ContestRole,
    Group,
    ProcessingState,
    Stage,
    Subject,
    User,
    VideoAsset,
    Work,
)
from contest.services.works import new_anonymous_code
from judging.demo import RUBRIC
from judging.models import Assignment, Round
from judging.services.assignment import round_apply
from judging.services.divergence import work_check
from judging.services.panel import chief_add, panel_add
from judging.services.rounds import round_create, round_set_state
from judging.services.rubrics import rubric_import
from judging.services.sheets import sheet_submit

SLUG = "c20-2025"
CATEGORIES = [  # (code, group, stage, subject, name)
    ("primary-math-teacher", ("teacher", "教师组"), ("primary", "小学"), ("math", "数学")),
    ("junior-english-teacher", ("teacher", "教师组"), ("junior", "初中"), ("english", "英语")),
    ("senior-chinese-student", ("student", "师范生组"), ("senior", "高中"), ("chinese", "语文")),
]
# (entrant number, category index, title, totals of the two first judges, third judge's total)
WORKS = [
    (1, 0, "认识钟表", (88, 86), None),
    (2, 0, "两位数加法的进位", (84, 85.5), None),
    (3, 2, "《背影》中的父爱", (62, 90), 76),  # still apart after third marking: arbitration
    (4, 1, "现在进行时", (70, 88), 86),  # third marking agrees with one of them: resolved
    (5, 1, "英语音标入门", (80, 78), None),
    (6, 2, "文言虚词“之”", (77, 79.5), None),
    (7, 0, "长方形的面积", (73, 75), None),
    (8, 1, "问路与指路", (68, 71), None),
]
SCORERS = range(2, 7)  # judge02–judge06 score; judge01 only arbitrates, as chief judge
TOLERANCE = Decimal("10")
HALF = Decimal("0.5")


def _contest(organiser: User) -> Contest:
    contest, _ = Contest.objects.get_or_create(
        slug=SLUG,
        defaults=dict(
            title="2025年全国中小学教师微视频大奖赛（演示）",
            year=2025,
            description="上一届大赛：初评已结束，供演示评审结果、奖项与公示。",
            phase=Contest.Phase.JUDGING,
            allowed_formats=["mp4"],
            works_per_entrant=1,
            licence_text="参赛者同意主办方以非商业目的在教育平台上展示其作品。",
        ),
    )
    ContestRole.objects.get_or_create(
        contest=contest, user=organiser, role=ContestRole.Role.ORGANISER
    )
    for order, (code, group, stage, subject) in enumerate(CATEGORIES):
        parts = [
            model.objects.get_or_create(contest=contest, code=c, defaults={"name": n})[0]
            for model, (c, n) in ((Group, group), (Stage, stage), (Subject, subject))
        ]
        Category.objects.get_or_create(
            contest=contest,
            code=code,
            defaults=dict(
                group=parts[0],
                stage=parts[1],
                subject=parts[2],
                order=order,
                name=f"{stage[1]}·{subject[1]}·{group[1]}",
            ),
        )
    return contest


def _works(contest: Contest, video: VideoAsset | None) -> list[Work]:
    """Accepted works; each gets a copy of the row of a 2026 demo video (same files)."""
    categories = list(contest.categories.order_by("order"))
    now = timezone.now()
    works = []
    for number, category, title, _totals, _third in WORKS:
        work = Work.objects.create(
            contest=contest,
            category=categories[category],
            entrant=User.objects.get(email=f"entrant{number:02d}@demo.cn"),
            title=title,
            summary=f"《{title}》微课。",
            anonymous_code=new_anonymous_code(contest),
            status=Work.Status.ACCEPTED,
            licence_accepted_at=now,
            submitted_at=now,
        )
        if video is not None:
            VideoAsset.objects.create(
                **{
                    f.attname: getattr(video, f.attname)
                    for f in VideoAsset._meta.concrete_fields
                    if f.attname not in ("id", "uuid", "work_id", "created_at")
                },
                work=work,
            )
        works.append(work)
    return works


def _values(criteria, total) -> dict[str, str]:
    """Scores in half points that add up to `total`, in proportion to the criteria's maxima."""
    total = Decimal(str(total))
    values = {}
    for criterion in criteria[:-1]:
        share = criterion.max_points * total / 100
        values[str(criterion.pk)] = (share / HALF).quantize(Decimal("1")) * HALF
    values[str(criteria[-1].pk)] = total - sum(values.values())
    return {key: str(value) for key, value in values.items()}


def _submit(round_: Round, work: Work, totals, criteria) -> None:
    """Submit the work's unsubmitted sheets with these totals, then check divergence as the
    background task would."""
    pending = Assignment.objects.filter(round=round_, work=work).exclude(
        state=Assignment.State.SUBMITTED
    )
    for assignment, total in zip(pending.order_by("pk"), totals, strict=True):
        sheet_submit(assignment=assignment, actor=assignment.judge, values=_values(criteria, total))
    work_check(round_id=round_.pk, work_id=work.pk)


@transaction.atomic
def seed_past_contest(organiser: User) -> Round | None:
    """Idempotent: nothing happens when the 2025 contest already has a round."""
    contest = _contest(organiser)
    if contest.rounds.exists():
        return None
    video = VideoAsset.objects.filter(
        work__contest__slug="c20-2026", is_current=True, state=ProcessingState.READY
    ).first()
    works = _works(contest, video)
    rubric = rubric_import(contest=contest, data=json.loads(RUBRIC.read_text()))
    criteria = list(rubric.criteria.order_by("order", "pk"))
    for number in SCORERS:
        judge = User.objects.get(email=f"judge{number:02d}@demo.cn")
        panel_add(contest=contest, user=judge, expertise=[], max_load=20, is_chief=False)
    now = timezone.now()
    round_ = round_create(
        contest=contest,
        name="初评",
        order=1,
        rubric=rubric,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        judges_per_work=2,
        tolerance=TOLERANCE,
        final_rule=Round.FinalRule.CLOSEST_PAIR,
        calibration_min_sheets=2,
    )
    round_ = round_set_state(round=round_, state=Round.State.ASSIGNING)
    round_apply(round=round_, actor=organiser, incremental=False)
    round_ = round_set_state(round=round_, state=Round.State.OPEN)
    for work, (*_head, totals, third) in zip(works, WORKS, strict=True):
        _submit(round_, work, totals, criteria)
        if third is not None:  # the case opened and a third judge was added
            _submit(round_, work, [third], criteria)
    chief = User.objects.get(email="judge01@demo.cn")
    panel_add(contest=contest, user=chief, expertise=[], max_load=20, is_chief=True)
    chief_add(round_=round_, user=chief)
    round_ = round_set_state(round=round_, state=Round.State.CLOSED)
    # Last year's dates (the services took today's so that the sheets could be submitted).
    last_year = now - dt.timedelta(days=365)
    Round.objects.filter(pk=round_.pk).update(
        opens_at=last_year - dt.timedelta(days=20), closes_at=last_year
    )
    round_.refresh_from_db()
    return round_
