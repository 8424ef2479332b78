"""Panel API under /api/v1/: members, invitations, conflicts of interest."""

from django.urls import path

from judging.api import views_panel as views

urlpatterns = [
    path(
        "contests/<slug:contest_slug>/panel/",
        views.ContestPanelView.as_view(),
        name="api-contest-panel",
    ),
    path("panel/<int:pk>/", views.PanelMemberView.as_view(), name="api-panel-member"),
    path(
        "contests/<slug:contest_slug>/invitations/",
        views.ContestInvitationsView.as_view(),
        name="api-contest-invitations",
    ),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
    path(
        "contests/<slug:contest_slug>/conflicts/",
        views.ContestConflictsView.as_view(),
        name="api-contest-conflicts",
    ),
    path("conflicts/<int:pk>/", views.ConflictView.as_view(), name="api-conflict"),
]
