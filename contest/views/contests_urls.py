"""Contest pages, included at the site root."""

from django.urls import path

from contest.views import contests as views

urlpatterns = [
    path("", views.home, name="home"),
    path("contests/new/", views.contest_create, name="contest_create"),
    path("contests/<slug:slug>/", views.contest_detail, name="contest_detail"),
    path("contests/<slug:slug>/manage/", views.contest_manage, name="contest_manage"),
    path("contests/<slug:slug>/edit/", views.contest_edit, name="contest_edit"),
    path("contests/<slug:slug>/phase/", views.contest_phase, name="contest_phase"),
    path("contests/<slug:slug>/categories/", views.contest_categories, name="contest_categories"),
    path("contests/<slug:slug>/categories/add/", views.category_add, name="category_add"),
    path(
        "contests/<slug:slug>/categories/generate/",
        views.categories_generate,
        name="categories_generate",
    ),
    path(
        "contests/<slug:slug>/categories/<int:pk>/edit/", views.category_edit, name="category_edit"
    ),
    path(
        "contests/<slug:slug>/categories/<int:pk>/delete/",
        views.category_delete,
        name="category_delete",
    ),
    path(
        "contests/<slug:slug>/dimensions/<str:kind>/add/", views.dimension_add, name="dimension_add"
    ),
    path(
        "contests/<slug:slug>/dimensions/<str:kind>/<int:pk>/edit/",
        views.dimension_edit,
        name="dimension_edit",
    ),
    path(
        "contests/<slug:slug>/dimensions/<str:kind>/<int:pk>/delete/",
        views.dimension_delete,
        name="dimension_delete",
    ),
    path("contests/<slug:slug>/people/", views.contest_people_page, name="contest_people"),
    path("contests/<slug:slug>/people/add/", views.person_add, name="contest_person_add"),
    path(
        "contests/<slug:slug>/people/<int:pk>/remove/",
        views.person_remove,
        name="contest_person_remove",
    ),
]
