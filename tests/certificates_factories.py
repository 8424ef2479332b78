"""Factories for certificates: awards rows as the awards app writes them on confirmation, and
certificate templates. Images are made with Pillow."""

from decimal import Decimal
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from awards.models import Award, AwardScheme, AwardTier
from certificates.models import CertificateKind
from certificates.services.templates import template_create
from tests import factories
from tests.work_factories import CoAuthorFactory, WorkFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardScheme

    contest = factory.SubFactory(factories.ContestFactory, phase="results")
    org_award_name = "优秀组织奖"


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardTier

    scheme = factory.SubFactory(SchemeFactory)
    name = "一等奖"
    value = Decimal("10")


def scheme_for(contest) -> AwardScheme:
    return AwardScheme.objects.filter(contest=contest).first() or SchemeFactory(contest=contest)


def award_work(work, tier_name: str = "一等奖") -> Award:
    """A confirmed tier award for the work (the tier is created once per scheme and name)."""
    scheme = scheme_for(work.contest)
    tier = scheme.tiers.filter(name=tier_name).first() or TierFactory(scheme=scheme, name=tier_name)
    return Award.objects.create(
        scheme=scheme, kind=Award.Kind.TIER, work=work, tier=tier, pool_key="p1", rank=1
    )


def award_institution(contest, institution) -> Award:
    return Award.objects.create(
        scheme=scheme_for(contest), kind=Award.Kind.ORGANISATION, institution=institution, rank=1
    )


def awarded_work(contest, *, entrant_name="刘䶮", co_authors=("欧阳燚",), **work_fields):
    """A work of the contest by an entrant with this name, with co-authors, given 一等奖."""
    entrant = factories.UserFactory(real_name=entrant_name)
    work = WorkFactory(contest=contest, entrant=entrant, status="accepted", **work_fields)
    for order, name in enumerate(co_authors):
        CoAuthorFactory(work=work, name=name, order=order)
    award_work(work)
    return work


def template(contest, kind=CertificateKind.WORK_AWARD, **values):
    return template_create(contest=contest, kind=kind, **values)


def image_upload(fmt="PNG", size=(60, 60), name="seal.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(
        "RGBA" if fmt == "PNG" else "RGB", size, (200, 30, 30, 255)[: 4 if fmt == "PNG" else 3]
    ).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
