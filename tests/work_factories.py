"""Factories for works and their files. Media rows come READY and current, with real (small)
files written under the private root, as if the background check had passed."""

import hashlib
from decimal import Decimal

import factory

from contest.models import Attachment, CoAuthor, ContestRole, ProcessingState, VideoAsset, Work
from contest.services.works import new_anonymous_code
from contest.storage import new_private_name, private_path
from tests import factories

# The smallest valid JPEG is not needed: pages only link to the poster, the media views serve it.
FAKE_BYTES = {
    "video": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64,
    "poster": b"\xff\xd8\xff\xd9",
    "pdf": b"%PDF-1.4\n%%EOF\n",
}


def write_private(prefix: str, suffix: str, data: bytes) -> str:
    """Store `data` under a fresh random private name and return the name."""
    name = new_private_name(prefix, suffix)
    path = private_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work

    contest = factory.SubFactory(factories.ContestFactory, phase="open")
    category = factory.SubFactory(
        factories.CategoryFactory, contest=factory.SelfAttribute("..contest")
    )
    entrant = factory.SubFactory(factories.UserFactory)
    title = factory.Sequence(lambda n: f"勾股定理的证明{n}")
    summary = "用拼图证明勾股定理。"
    anonymous_code = factory.LazyAttribute(lambda work: new_anonymous_code(work.contest))
    status = Work.Status.DRAFT


class CoAuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoAuthor

    work = factory.SubFactory(WorkFactory)
    name = "欧阳燚"
    institution = "杭州市犇鑫实验学校"


class _MediaFactory(factory.django.DjangoModelFactory):
    work = factory.SubFactory(WorkFactory)
    state = ProcessingState.READY
    is_current = True
    original_name = "作品.mp4"

    @factory.lazy_attribute
    def size(self):
        return private_path(self.file).stat().st_size

    @factory.lazy_attribute
    def sha256(self):
        return hashlib.sha256(private_path(self.file).read_bytes()).hexdigest()


class VideoAssetFactory(_MediaFactory):
    class Meta:
        model = VideoAsset

    file = factory.LazyFunction(lambda: write_private("videos", "", FAKE_BYTES["video"]))
    blind_file = factory.LazyFunction(lambda: write_private("blind", ".mp4", FAKE_BYTES["video"]))
    poster_file = factory.LazyFunction(
        lambda: write_private("posters", ".jpg", FAKE_BYTES["poster"])
    )
    container = "mp4"
    video_codec = "h264"
    audio_codec = "aac"
    width = 1280
    height = 720
    duration = Decimal("420.00")
    blind_method = "remux"
    blind_duration = Decimal("415.00")


class AttachmentFactory(_MediaFactory):
    class Meta:
        model = Attachment

    kind = "design"
    original_name = "教学设计.pdf"
    doc_type = "pdf"
    file = factory.LazyFunction(lambda: write_private("attachments", "", FAKE_BYTES["pdf"]))
    sanitised_file = factory.LazyFunction(lambda: write_private("sanitised", "", FAKE_BYTES["pdf"]))


class CoordinatorFactory(factories.RoleFactory):
    role = ContestRole.Role.COORDINATOR
    institution = factory.SubFactory(factories.InstitutionFactory)


def complete(work: Work) -> Work:
    """Give the work a checked video and every attachment its contest requires."""
    VideoAssetFactory(work=work)
    for kind in work.contest.required_attachments:
        AttachmentFactory(work=work, kind=kind)
    return work
