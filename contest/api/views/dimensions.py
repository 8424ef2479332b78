"""What a contest's works are ranked in: groups, subjects, stages, and the categories made of them.

Everyone who may see the contest may read them; its organisers change them.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from contest.api.permissions import ContestAccess
from contest.api.serializers import CategorySerializer, DimensionSerializer, GroupSerializer
from contest.api.views.base import ApiViewMixin, errors
from contest.models import Category, Group, Stage, Subject
from contest.selectors import categories_of
from contest.services.contests import (
    categories_generate,
    category_delete,
    category_save,
    dimension_delete,
    dimension_save,
)


class ContestItemViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """Items of the contest in the URL (`contest_slug`), resolved once by ContestAccess."""

    permission_classes = [IsAuthenticatedOrReadOnly, ContestAccess]
    lookup_value_converter = "int"
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request contest
            return self.model.objects.none()
        return self.model.objects.filter(contest=self.contest)

    def merged(self, instance) -> dict:
        """A partial update's data on top of the item's current values (services take all)."""
        fields = self.get_serializer().fields
        current = {
            name: getattr(instance, name) for name, field in fields.items() if not field.read_only
        }
        return {**current, **self.validated(partial=True)}

    def remove(self, item) -> None:
        raise NotImplementedError

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def destroy(self, request, *args, **kwargs):
        self.remove(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DimensionViewSet(ContestItemViewSet):
    serializer_class = DimensionSerializer

    @extend_schema(responses={201: DimensionSerializer, **errors(400, 401, 403, 404)})
    def create(self, request, *args, **kwargs):
        item = dimension_save(contest=self.contest, model=self.model, **self.validated())
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DimensionSerializer, **errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        item = dimension_save(
            contest=self.contest, model=self.model, instance=item, **self.merged(item)
        )
        return Response(self.get_serializer(item).data)

    def remove(self, item) -> None:
        dimension_delete(instance=item)


class GroupViewSet(DimensionViewSet):
    model = Group
    serializer_class = GroupSerializer


class SubjectViewSet(DimensionViewSet):
    model = Subject


class StageViewSet(DimensionViewSet):
    model = Stage


class CategoryViewSet(ContestItemViewSet):
    serializer_class = CategorySerializer
    model = Category

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        return categories_of(self.contest)

    @extend_schema(responses={201: CategorySerializer, **errors(400, 401, 403, 404)})
    def create(self, request, *args, **kwargs):
        category = category_save(contest=self.contest, **self.validated())
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CategorySerializer, **errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        category = category_save(contest=self.contest, instance=category, **self.merged(category))
        return Response(self.get_serializer(category).data)

    def remove(self, category) -> None:
        category_delete(category=category)

    @extend_schema(
        request=None, responses={201: CategorySerializer(many=True), **errors(401, 403, 404, 409)}
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def generate(self, request, *args, **kwargs):
        """A category for every group × stage × subject combination that has none yet."""
        created = categories_generate(contest=self.contest)
        return Response(
            self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED
        )
