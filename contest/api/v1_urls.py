"""Version 1 of the API, under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from contest.api.views import accounts, contests, dimensions, works

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
    path(
        "contests/<slug:contest_slug>/works/",
        works.ContestWorksView.as_view(),
        name="contest-works",
    ),
    path(
        "contests/<slug:contest_slug>/works/screen/",
        works.BulkScreenView.as_view(),
        name="contest-works-screen",
    ),
    path("works/<int:pk>/", works.WorkDetailView.as_view(), name="work-detail"),
    path("works/<int:pk>/submit/", works.WorkSubmitView.as_view(), name="work-submit"),
    path("works/<int:pk>/withdraw/", works.WorkWithdrawView.as_view(), name="work-withdraw"),
    path("works/<int:pk>/endorse/", works.WorkEndorseView.as_view(), name="work-endorse"),
    path("works/<int:pk>/screen/", works.WorkScreenView.as_view(), name="work-screen"),
    path("works/<int:pk>/media/", works.WorkMediaView.as_view(), name="work-media"),
    # No trailing slash: these take a file, like a file name at the end of a path.
    path("works/<int:pk>/video", works.VideoUploadView.as_view(), name="work-video"),
    path(
        "works/<int:pk>/attachments/<str:kind>",
        works.AttachmentUploadView.as_view(),
        name="work-attachment",
    ),
    *router.urls,
]
