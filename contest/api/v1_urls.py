"""Version 1 of the API, under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from contest.api.views import accounts, contests, dimensions

router = SimpleRouter(use_regex_path=False)
router.register("contests", contests.ContestViewSet, basename="contest")
for name, viewset in [
    ("groups", dimensions.GroupViewSet),
    ("subjects", dimensions.SubjectViewSet),
    ("stages", dimensions.StageViewSet),
    ("categories", dimensions.CategoryViewSet),
]:
    router.register(f"contests/<slug:contest_slug>/{name}", viewset, basename=f"contest-{name}")

app_name = "api"
urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    *router.urls,
]
