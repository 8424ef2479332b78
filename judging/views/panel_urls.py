"""Panel pages: organisers' under /contests/<slug>/judging/, the invitee's under /judging/."""

from django.urls import path

from judging.views import panel as views

BASE = "contests/<slug:slug>/judging/"

urlpatterns = [
    path(f"{BASE}panel/", views.panel_list, name="panel_list"),
    path(f"{BASE}panel/invite/", views.panel_invite, name="panel_invite"),
    path(f"{BASE}panel/import/", views.panel_import, name="panel_import"),
    path(f"{BASE}panel/import/confirm/", views.panel_import_confirm, name="panel_import_confirm"),
    path(f"{BASE}panel/<int:pk>/edit/", views.panel_edit, name="panel_edit"),
    path(f"{BASE}panel/<int:pk>/active/", views.panel_active, name="panel_active"),
    path(f"{BASE}panel/<int:pk>/remove/", views.panel_remove, name="panel_remove"),
    path(f"{BASE}rounds/<int:pk>/chiefs/", views.round_chiefs, name="round_chiefs"),
    path(
        f"{BASE}rounds/<int:pk>/chiefs/<int:chief_pk>/remove/",
        views.chief_remove,
        name="chief_remove",
    ),
    path(f"{BASE}conflicts/", views.conflict_list, name="conflict_list"),
    path(f"{BASE}conflicts/add/", views.conflict_add, name="conflict_add"),
    path(f"{BASE}conflicts/<int:pk>/remove/", views.conflict_remove, name="conflict_remove"),
    path("judging/join/<str:token>/", views.panel_join, name="panel_join"),
]
