"""Factories for tests. Names and schools are Chinese, some with rare characters."""

import datetime as dt

import factory
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from contest.models import Category, Contest, ContestRole, Group, Institution, Stage, Subject, User

PASSWORD = "Zhongguo-2026!"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"第{n}实验中学")
    kind = Institution.Kind.SENIOR
    province = "33"
    city = "杭州市"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"teacher{n}@example.cn")
    real_name = factory.Iterator(["王喆", "李珺", "张堃", "陈淼", "刘燚", "赵犇", "孙鑫", "周垚"])
    institution = factory.SubFactory(InstitutionFactory)
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CreatorFactory(UserFactory):
    """A user allowed to create contests."""

    @factory.post_generation
    def creators_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = AuthGroup.objects.get_or_create(name="contest creators")
            obj.groups.add(group)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    title = factory.Sequence(lambda n: f"第{n}届全国中小学教师微视频大奖赛")
    slug = factory.Sequence(lambda n: f"contest-{n}")
    year = 2026
    phase = Contest.Phase.DRAFT
    allowed_formats = ["mp4"]
    required_attachments = ["design"]
    submission_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    submission_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContestRole

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)
    role = ContestRole.Role.JUDGE


class OrganiserFactory(RoleFactory):
    role = ContestRole.Role.ORGANISER


class JudgeFactory(RoleFactory):
    role = ContestRole.Role.JUDGE


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    contest = factory.SubFactory(ContestFactory)
    name = "教师组"
    code = factory.Sequence(lambda n: f"g{n}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    contest = factory.SubFactory(ContestFactory)
    name = "数学"
    code = factory.Sequence(lambda n: f"s{n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    contest = factory.SubFactory(ContestFactory)
    name = "初中"
    code = factory.Sequence(lambda n: f"st{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    contest = factory.SubFactory(ContestFactory)
    group = factory.SubFactory(GroupFactory, contest=factory.SelfAttribute("..contest"))
    subject = factory.SubFactory(SubjectFactory, contest=factory.SelfAttribute("..contest"))
    stage = factory.SubFactory(StageFactory, contest=factory.SelfAttribute("..contest"))
    code = factory.Sequence(lambda n: f"cat{n}")
    name = "初中·数学·教师组"
