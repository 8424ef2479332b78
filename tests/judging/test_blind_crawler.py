"""Blind review (DESIGN §7), checked from the outside: a judge follows every link and every URL
the site gives them, fetches every page, API answer, file and video, and nothing they receive
(body, header, URL, file name, video or document metadata) names the entrant, their co-author
or supervisor, institution, city, province, e-mail, phone, original file names, or carries the
database id of the work or the entrant.

The seed is made so a leak would be found: distinctive names, and real judges' copies made by
the real media pipeline from files full of identifying metadata. A second test plants leaks and
checks that the crawler reports them, so a crawler that sees nothing cannot pass.
"""

import io
import json
import re
import zipfile
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import av
import pytest
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from contest.models import Attachment, CoAuthor, Institution, ProcessingState, VideoAsset
from contest.services import media as media_services
from contest.storage import new_private_name, private_path
from judging.models import RoundWork
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.contest.media.documents import make_pdf, office_parts, write_office
from tests.media_clips import make_clip

pytestmark = pytest.mark.django_db

NAME = "欧阳燚垚"
EMAIL = "ouyang.yiyao.leaktest@example.cn"
PHONE = "13987654321"
SCHOOL = "犇鑫实验学校"
CITY = "银川市"
PROVINCE = "64"  # 宁夏回族自治区 (Ningxia)
CO_AUTHOR = "司马翀翯"
CO_AUTHOR_SCHOOL = "翀翯第二中学"
SUPERVISOR = "诸葛淼焱"
SUPERVISOR_SCHOOL = "淼焱师范大学"
VIDEO_NAME = "欧阳燚垚-勾股定理微课.mp4"
DESIGN_NAME = "欧阳燚垚教学设计-犇鑫.docx"
SLIDES_NAME = "欧阳燚垚的课件-终稿.pdf"
# Ids no other row has, so that they are recognisable wherever they appear.
WORK_PK = 975319
ENTRANT_PK = 864207
FORBIDDEN = [
    NAME,
    EMAIL,
    PHONE,
    SCHOOL,
    CITY,
    "宁夏",
    "Ningxia",
    CO_AUTHOR,
    CO_AUTHOR_SCHOOL,
    SUPERVISOR,
    SUPERVISOR_SCHOOL,
    VIDEO_NAME,
    DESIGN_NAME,
    SLIDES_NAME,
    "勾股定理微课",  # parts of the file names
    "教学设计-犇鑫",
    "课件-终稿",
    str(WORK_PK),
    str(ENTRANT_PK),
]
# Choice lists (a province <select> on the judge's own profile page) name every region; being
# in such a list identifies nobody, so region names are looked for outside <option> elements.
REGIONS = {CITY, "宁夏", "Ningxia"}
OPTION = re.compile(r"<option\b[^>]*>.*?</option>", re.S)
URL_ATTRIBUTES = {"href", "src", "poster", "action", "formaction", "srcset"}
URL_ATTRIBUTES |= {"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"}
CAP = 400


# --- The seed


def _stored(prefix: str, data: bytes) -> str:
    name = new_private_name(prefix)
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(data)
    return name


def _video(work, tmp_path) -> VideoAsset:
    """A real clip, tagged with the entrant's name and school, through the real pipeline."""
    clip = make_clip(
        tmp_path / "clip.mp4",
        seconds=3,
        width=320,
        height=240,
        title_seconds=0.5,
        tags={"title": f"{NAME}的微课", "artist": NAME, "comment": SCHOOL, "copyright": EMAIL},
        stream_tags={"handler_name": NAME, "title": SCHOOL},
    )
    data = clip.read_bytes()
    video = VideoAsset.objects.create(
        work=work, file=_stored("videos", data), size=len(data), sha256="0" * 64
    )
    video.original_name = VIDEO_NAME
    video.save(update_fields=["original_name"])
    media_services.video_process(video_id=video.pk)
    video.refresh_from_db()
    assert video.state == ProcessingState.READY and video.is_current, video.error_code
    return video


def _attachment(work, kind: str, path, original_name: str) -> Attachment:
    data = path.read_bytes()
    attachment = Attachment.objects.create(
        work=work,
        kind=kind,
        file=_stored("attachments", data),
        size=len(data),
        sha256="0" * 64,
        original_name=original_name,
    )
    media_services.attachment_process(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.state == ProcessingState.READY, attachment.error_code
    return attachment


@pytest.fixture
def seed(tmp_path):
    contest = factories.ContestFactory(
        phase="judging",
        min_duration_seconds=1,
        min_width=160,
        min_height=120,
        allowed_formats=["mp4"],
        title_card_seconds=0.5,
        required_attachments=["design", "slides"],
    )
    school = Institution.objects.create(
        name=SCHOOL, kind=Institution.Kind.SENIOR, province=PROVINCE, city=CITY
    )
    entrant = factories.UserFactory(
        pk=ENTRANT_PK, real_name=NAME, email=EMAIL, phone=PHONE, institution=school
    )
    work = wf.WorkFactory(
        pk=WORK_PK,
        contest=contest,
        entrant=entrant,
        status="accepted",
        title="勾股定理的证明",
        summary="用拼图证明勾股定理。",
        supervisor_name=SUPERVISOR,
        supervisor_institution=SUPERVISOR_SCHOOL,
    )
    CoAuthor.objects.create(work=work, name=CO_AUTHOR, institution=CO_AUTHOR_SCHOOL)
    _video(work, tmp_path)
    design = write_office(
        tmp_path / "design.docx", office_parts("docx", author=NAME, company=SCHOOL)
    )
    _attachment(work, "design", design, DESIGN_NAME)
    slides = make_pdf(tmp_path / "slides.pdf", author=NAME)
    _attachment(work, "slides", slides, SLIDES_NAME)

    round_ = jf.RoundFactory(contest=contest)
    RoundWork.objects.create(round=round_, work=work)
    judge = jf.judge(contest).user
    assignment = jf.assignment(round_, work=work, judge_user=judge)
    first = round_.rubric.criteria.first()
    sheets.sheet_save(
        assignment=assignment,
        actor=judge,
        values={str(first.pk): "15"},
        comments={str(first.pk): "选题清楚"},
    )
    return work, judge, assignment


# --- The crawler


@dataclass
class Finding:
    url: str
    where: str
    needle: str


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if name in URL_ATTRIBUTES or (name.startswith("data-") and name.endswith("-url")):
                parts = value.split(",") if name == "srcset" else [value]
                self.urls.extend(part.strip().split(" ")[0] for part in parts)


def _urls_in_json(value) -> list[str]:
    if isinstance(value, dict):
        return [u for item in value.values() for u in _urls_in_json(item)]
    if isinstance(value, list):
        return [u for item in value for u in _urls_in_json(item)]
    if isinstance(value, str) and (value.startswith("/") or value.startswith("http")):
        return [value]
    return []


@dataclass
class Crawler:
    client: Client
    forbidden: list[str]
    findings: list[Finding] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def run(self, starts: list[str]) -> list[Finding]:
        queue, seen = deque(starts), set(starts)
        while queue:
            assert len(self.visited) < CAP, "the crawl did not end: raise CAP or find the loop"
            url = queue.popleft()
            self.visited.append(url)
            for found in self.fetch(url):
                target = self.local(url, found)
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return self.findings

    @staticmethod
    def local(base: str, found: str) -> str | None:
        """The site-relative URL of a link, or None for another site, an anchor, static files."""
        if found.startswith(("#", "mailto:", "javascript:", "data:", "blob:")):
            return None
        parts = urlsplit(urljoin(f"http://testserver{base}", found))
        if parts.netloc != "testserver" or parts.path.startswith("/static/"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # Fetching

    def fetch(self, url: str) -> list[str]:
        self.check_url(url)
        response = self.client.get(url)
        body = self.body(response)
        self.check_headers(url, response)
        links = [response["Location"]] if response.has_header("Location") else []
        kind = response.get("Content-Type", "").split(";")[0]
        if kind.startswith("video/"):
            self.check_video(url, body)
            for extra in (self.client.head(url), self.client.get(url, HTTP_RANGE="bytes=0-1023")):
                self.check_headers(url, extra)
                self.check_bytes(url, "range", self.body(extra))
        elif kind == "image/jpeg":
            self.check_bytes(url, "image", body)
            self.check_text(url, "image info", repr(Image.open(io.BytesIO(body)).info))
        elif kind == "application/pdf":
            self.check_pdf(url, body)
        elif "officedocument" in kind:
            self.check_office(url, body)
        else:
            text = body.decode("utf-8", "replace")
            links += self.check_document(url, kind, text)
        return links

    @staticmethod
    def body(response) -> bytes:
        if getattr(response, "streaming", False):
            return b"".join(response.streaming_content)
        return response.content

    def check_document(self, url: str, kind: str, text: str) -> list[str]:
        if kind == "application/json":
            data = json.loads(text)
            self.check_text(url, "json", text + json.dumps(data, ensure_ascii=False))
            return _urls_in_json(data)
        self.check_text(url, "body", unescape(text), regions=unescape(OPTION.sub("", text)))
        parser = _Links()
        parser.feed(text)
        return parser.urls

    # Checks

    def report(self, url: str, where: str, haystack: str, needles=None) -> None:
        for needle in needles if needles is not None else self.forbidden:
            if needle in haystack:
                self.findings.append(Finding(url, where, needle))

    def check_text(self, url: str, where: str, text: str, *, regions: str | None = None) -> None:
        plain = [n for n in self.forbidden if n not in REGIONS]
        self.report(url, where, text, plain)
        self.report(url, where, regions if regions is not None else text, REGIONS)

    def check_url(self, url: str) -> None:
        self.check_text(url, "url", unquote(url))
        segments = urlsplit(url).path.split("/")
        for number in (str(WORK_PK), str(ENTRANT_PK)):
            if number in segments:
                self.findings.append(Finding(url, "url path segment", number))

    def check_headers(self, url: str, response) -> None:
        for name, value in response.items():
            self.check_text(url, f"header {name}", unquote(value))

    def check_bytes(self, url: str, where: str, data: bytes) -> None:
        for needle in self.forbidden:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if needle.encode(encoding) in data:
                    self.findings.append(Finding(url, f"{where} bytes ({encoding})", needle))

    def check_video(self, url: str, data: bytes) -> None:
        self.check_bytes(url, "video", data)
        with av.open(io.BytesIO(data)) as container:
            tags = [dict(container.metadata)] + [dict(s.metadata) for s in container.streams]
        self.check_text(url, "video metadata", repr(tags))

    def check_pdf(self, url: str, data: bytes) -> None:
        self.check_bytes(url, "pdf", data)
        reader = PdfReader(io.BytesIO(data))
        self.check_text(url, "pdf metadata", repr(dict(reader.metadata or {})))
        xmp = reader.trailer["/Root"].get("/Metadata")
        if xmp is not None:
            self.check_text(url, "pdf xmp", xmp.get_object().get_data().decode("utf-8", "replace"))
        for page in reader.pages:
            self.check_text(url, "pdf text", page.extract_text())
            for annotation in page.get("/Annots") or []:
                self.check_text(url, "pdf annotation", repr(dict(annotation.get_object())))

    def check_office(self, url: str, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                part = archive.read(name)
                self.check_text(url, f"part {name}", name + part.decode("utf-8", "replace"))


def crawl(judge, language: str | None = None) -> Crawler:
    client = Client()
    client.force_login(judge)
    if language:
        client.cookies["lang"] = language
    crawler = Crawler(client, FORBIDDEN)
    crawler.run(["/judging/", "/api/v1/judging/rounds/"])
    return crawler


# --- The tests


@pytest.mark.parametrize("language", [None, "en"])
def test_nothing_a_judge_can_reach_identifies_the_entrant(seed, language):
    work, judge, assignment = seed
    crawler = crawl(judge, language)
    assert crawler.findings == []
    video = work.videos.get(is_current=True)
    design, slides = work.attachments.get(kind="design"), work.attachments.get(kind="slides")
    reached = set(crawler.visited)
    assert {
        f"/judging/assignments/{assignment.pk}/",
        f"/judging/rounds/{assignment.round_id}/",
        f"/media/videos/{video.uuid}/blind.mp4",
        f"/media/videos/{video.uuid}/poster.jpg",
        f"/media/attachments/{design.uuid}/sanitised",
        f"/media/attachments/{slides.uuid}/sanitised",
        f"/api/v1/judging/rounds/{assignment.round_id}/queue/",
        f"/api/v1/judging/assignments/{assignment.pk}/",
    } <= reached
    assert not any("/original" in url for url in reached)


def test_the_crawler_finds_planted_leaks(seed):
    work, judge, assignment = seed
    work.title = f"{NAME}老师的勾股定理"
    work.save(update_fields=["title"])
    slides = work.attachments.get(kind="slides")
    # The judges' copy replaced by the original, author fields and all.
    private_path(slides.sanitised_file).write_bytes(private_path(slides.file).read_bytes())
    findings = crawl(judge).findings
    where = {(f.url, f.where) for f in findings if f.needle == NAME}
    assert (f"/judging/assignments/{assignment.pk}/", "body") in where
    assert (f"/api/v1/judging/assignments/{assignment.pk}/", "json") in where
    sanitised = f"/media/attachments/{slides.uuid}/sanitised"
    assert (sanitised, "pdf metadata") in where
    assert (sanitised, "pdf xmp") in where
