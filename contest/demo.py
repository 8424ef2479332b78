"""Demo data: a C20-style contest with its categories, institutions and people.

Plain data and one idempotent function; the `seed_demo` command calls it. Running it twice changes
nothing the second time.
"""

import datetime as dt
import io
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.utils import timezone

from contest.demo_media import demo_pdf, write_demo_clip
from contest.models import (
    Category,
    Contest,
    ContestRole,
    Group,
    Institution,
    Stage,
    Subject,
    User,
    Work,
)
from contest.services.media import (
    attachment_process,
    attachment_receive,
    video_process,
    video_receive,
)
from contest.services.works import work_create, work_screen, work_submit

DEMO_PASSWORD = "Weike-Demo-2026"  # noqa: S105 -- demo accounts only; seed_demo refuses without DEBUG

INSTITUTIONS = [
    # (name, kind, province code, city)
    ("北京市第一六一中学", "senior", "11", "北京市"),
    ("北京师范大学", "university", "11", "北京市"),
    ("天津市实验小学", "primary", "12", "天津市"),
    ("石家庄市第二中学", "senior", "13", "石家庄市"),
    ("太原市第五中学", "senior", "14", "太原市"),
    ("呼和浩特市第一中学", "senior", "15", "呼和浩特市"),
    ("沈阳市第二十中学", "senior", "21", "沈阳市"),
    ("东北师范大学", "university", "22", "长春市"),
    ("哈尔滨市第三中学", "senior", "23", "哈尔滨市"),
    ("华东师范大学", "university", "31", "上海市"),
    ("上海市实验学校", "junior", "31", "上海市"),
    ("南京师范大学附属中学", "senior", "32", "南京市"),
    ("苏州市平江实验学校", "primary", "32", "苏州市"),
    ("杭州学军中学", "senior", "33", "杭州市"),
    ("浙江师范大学", "university", "33", "金华市"),
    ("合肥一六八中学", "senior", "34", "合肥市"),
    ("福州第一中学", "senior", "35", "福州市"),
    ("江西师范大学", "university", "36", "南昌市"),
    ("济南外国语学校", "junior", "37", "济南市"),
    ("郑州外国语学校", "junior", "41", "郑州市"),
    ("华中师范大学", "university", "42", "武汉市"),
    ("长沙市一中", "senior", "43", "长沙市"),
    ("华南师范大学", "university", "44", "广州市"),
    ("深圳市南山区第二外国语学校", "junior", "44", "深圳市"),
    ("南宁市第三中学", "senior", "45", "南宁市"),
    ("重庆市巴蜀小学", "primary", "50", "重庆市"),
    ("成都七中", "senior", "51", "成都市"),
    ("昆明市五华区教育体育局", "bureau", "53", "昆明市"),
    ("西安市铁一中学", "senior", "61", "西安市"),
    ("陕西师范大学", "university", "61", "西安市"),
    ("兰州市城关区教育局", "bureau", "62", "兰州市"),
]

GROUPS = [("teacher", "教师组"), ("student", "师范生组")]
STAGES = [("primary", "小学"), ("junior", "初中"), ("senior", "高中")]
SUBJECTS = [
    ("chinese", "语文"),
    ("math", "数学"),
    ("english", "英语"),
    ("physics", "物理"),
    ("chemistry", "化学"),
    ("it", "信息技术"),
]
# Physics and chemistry are not taught in primary school.
SKIPPED = {("primary", "physics"), ("primary", "chemistry")}

ORGANISERS = [("organiser@demo.cn", "欧阳昇", 9), ("organiser2@demo.cn", "司马珺", 21)]
JUDGES = [
    "王喆",
    "李淼",
    "张犇",
    "陈鑫",
    "刘垚",
    "杨燚",
    "黄堃",
    "赵雪梅",
    "周建国",
    "吴海燕",
    "徐志强",
    "孙丽娟",
]
ENTRANTS = [
    "郑晓燕",
    "冯子堃",
    "褚一喆",
    "卫明珺",
    "蒋天昇",
    "沈燚",
    "韩淼淼",
    "朱犇",
    "秦鑫",
    "尤垚",
    "许文杰",
    "何静",
    "吕思远",
    "施雨桐",
    "张欣怡",
    "孔令辉",
    "曹雪",
    "严宇航",
    "华佳琪",
    "金子涵",
]


@dataclass
class DemoSummary:
    contest: Contest
    logins: list[tuple[str, str, str]]  # (role, email, name)


def _user(email: str, name: str, institution: Institution, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            real_name=name,
            institution=institution,
            email_verified_at=timezone.now(),
            **extra,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _dimensions(contest: Contest, model, items) -> dict[str, object]:
    return {
        code: model.objects.update_or_create(
            contest=contest, code=code, defaults={"name": name, "order": i}
        )[0]
        for i, (code, name) in enumerate(items)
    }


def _contest() -> Contest:
    now = timezone.localtime()
    opens = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=30)
    contest, _created = Contest.objects.get_or_create(
        slug="c20-2026",
        defaults=dict(
            title="2026年全国中小学教师微视频大奖赛（演示）",
            year=2026,
            description="面向全国中小学教师和师范生的微视频（微课）大奖赛。每件作品聚焦一个知识点，"
            "时长 5–20 分钟，由专家评委在线盲评。",
            rules_text="1. 作品须为原创，时长 5–20 分钟，MP4 格式，分辨率不低于 1280×720。\n"
            "2. 片头可注明作者与单位（不超过 5 秒），评审时将自动剪除。\n"
            "3. 每人限报 1 件作品，可有不超过 2 名合作者。",
            submission_opens_at=opens,
            submission_closes_at=opens + dt.timedelta(days=75),
            judging_starts_at=opens + dt.timedelta(days=80),
            judging_ends_at=opens + dt.timedelta(days=110),
            results_published_at=opens + dt.timedelta(days=120),
            notice_ends_at=opens + dt.timedelta(days=127),
            allowed_formats=["mp4", "mov"],
            required_attachments=["design", "slides"],
            title_card_seconds=5,
            works_per_entrant=1,
            licence_text="参赛者同意主办方以非商业目的在教育平台上展示其作品。",
        ),
    )
    groups = _dimensions(contest, Group, GROUPS)
    Group.objects.filter(pk=groups["student"].pk).update(requires_supervisor=True)
    stages = _dimensions(contest, Stage, STAGES)
    subjects = _dimensions(contest, Subject, SUBJECTS)
    combinations = itertools.product(groups.values(), stages.values(), subjects.values())
    for order, (group, stage, subject) in enumerate(combinations):
        if (stage.code, subject.code) in SKIPPED:
            continue
        Category.objects.get_or_create(
            contest=contest,
            code=f"{stage.code}-{subject.code}-{group.code}",
            defaults={
                "group": group,
                "stage": stage,
                "subject": subject,
                "order": order,
                "name": f"{stage.name}·{subject.name}·{group.name}",
            },
        )
    if contest.phase == Contest.Phase.DRAFT:
        contest.phase = Contest.Phase.OPEN
        contest.save(update_fields=["phase"])
    return contest


def _draft_contest(organiser: User) -> None:
    contest, _ = Contest.objects.get_or_create(
        slug="c20-2027",
        defaults=dict(
            title="2027年全国师范生微课大赛（筹备中）", year=2027, allowed_formats=["mp4"]
        ),
    )
    ContestRole.objects.get_or_create(
        contest=contest, user=organiser, role=ContestRole.Role.ORGANISER
    )


@transaction.atomic
def seed_demo() -> DemoSummary:
    institutions = [
        Institution.objects.get_or_create(name=n, province=p, city=c, defaults={"kind": k})[0]
        for n, k, p, c in INSTITUTIONS
    ]
    contest = _contest()
    creators, _ = AuthGroup.objects.get_or_create(name="contest creators")
    logins = []
    admin = _user("admin@demo.cn", "平台管理员", institutions[1], is_staff=True, is_superuser=True)
    logins.append(("admin", admin.email, admin.real_name))
    for email, name, inst in ORGANISERS:
        user = _user(email, name, institutions[inst])
        user.groups.add(creators)
        logins.append(("organiser", email, name))
    ContestRole.objects.get_or_create(
        contest=contest,
        user=User.objects.get(email=ORGANISERS[0][0]),
        role=ContestRole.Role.ORGANISER,
    )
    _draft_contest(User.objects.get(email=ORGANISERS[1][0]))
    for i, name in enumerate(JUDGES, start=1):
        judge = _user(f"judge{i:02d}@demo.cn", name, institutions[(i * 7) % len(institutions)])
        ContestRole.objects.get_or_create(contest=contest, user=judge, role=ContestRole.Role.JUDGE)
        if i <= 2:
            logins.append(("judge", judge.email, name))
    for i, name in enumerate(ENTRANTS, start=1):
        user = _user(f"entrant{i:02d}@demo.cn", name, institutions[(i * 5) % len(institutions)])
        if i <= 2:
            logins.append(("entrant", user.email, name))
    _demo_works(contest, User.objects.get(email=ORGANISERS[0][0]))
    return DemoSummary(contest=contest, logins=logins)


# (entrant number, category code, title, supervisor, screening decision and reason)
DEMO_WORKS = [
    (1, "primary-math-teacher", "分数的初步认识", "", ("accept", "")),
    (2, "junior-physics-teacher", "光的折射", "", ("return", "请在教学设计中补充教学目标。")),
    (3, "senior-chinese-student", "古诗词中的意象", "何静", ("accept", "")),
    (5, "senior-it-teacher", "循环结构初步", "", None),
    (4, "junior-english-teacher", "一般过去时的用法", "", "draft"),
]


def _demo_works(contest: Contest, organiser: User) -> None:
    """A few works with real (synthetic) videos in several states, for screening in the demo."""
    pending = [
        w
        for w in DEMO_WORKS
        if not Work.objects.filter(
            contest=contest, entrant__email=f"entrant{w[0]:02d}@demo.cn"
        ).exists()
    ]
    if not pending:
        return
    with tempfile.TemporaryDirectory() as folder:
        clip = write_demo_clip(
            Path(folder) / "demo.mp4",
            seconds=contest.min_duration_seconds + 20,
            title_seconds=float(contest.title_card_seconds),
            label="C20 demo",
        )
        for number, category, title, supervisor, decision in pending:
            _demo_work(contest, organiser, clip, number, category, title, supervisor, decision)


def _demo_work(
    contest,
    organiser,
    clip: Path,
    number: int,
    category: str,
    title: str,
    supervisor: str,
    decision,
) -> None:
    entrant = User.objects.get(email=f"entrant{number:02d}@demo.cn")
    work = work_create(
        contest=contest,
        entrant=entrant,
        title=title,
        category=contest.categories.get(code=category),
        summary=f"《{title}》微课：聚焦一个知识点的 5 分钟讲解。",
        supervisor_name=supervisor,
        supervisor_institution="陕西师范大学" if supervisor else "",
    )
    if decision == "draft":
        return
    with clip.open("rb") as stream:
        video = video_receive(
            work=work,
            stream=stream,
            length=clip.stat().st_size,
            original_name=f"{entrant.real_name}-{title}.mp4",
        )
    video_process(video_id=video.pk)
    for kind in contest.required_attachments:
        pdf = demo_pdf(entrant.real_name, title)
        attachment = attachment_receive(
            work=work,
            kind=kind,
            stream=io.BytesIO(pdf),
            length=len(pdf),
            original_name=f"{kind}.pdf",
        )
        attachment_process(attachment_id=attachment.pk)
    work = work_submit(work=work, actor=entrant, accept_licence=True)
    if decision:
        work_screen(work=work, actor=organiser, decision=decision[0], reason=decision[1])
