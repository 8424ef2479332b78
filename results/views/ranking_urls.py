"""Organisers' ranking pages, under /contests/<slug>/judging/."""

from django.urls import path

from results.views import ranking as views
from results.views import ranking_advancement, ranking_pools

RANKING = "contests/<slug:slug>/judging/rounds/<int:pk>/ranking/"
POOLS = "contests/<slug:slug>/judging/pools/"

urlpatterns = [
    path(POOLS, ranking_pools.pool_list, name="pool_list"),
    path(f"{POOLS}<int:pk>/edit/", ranking_pools.pool_edit, name="pool_edit"),
    path(f"{POOLS}<int:pk>/delete/", ranking_pools.pool_remove, name="pool_delete"),
    path(RANKING, views.round_ranking, name="round_ranking"),
    path(f"{RANKING}settings/", views.ranking_settings_save, name="ranking_settings"),
    path(f"{RANKING}freeze/", views.ranking_freeze, name="ranking_freeze"),
    path(f"{RANKING}unfreeze/", views.ranking_unfreeze, name="ranking_unfreeze"),
    path(f"{RANKING}reproduce/", views.ranking_reproduce, name="ranking_reproduce"),
    path(f"{RANKING}pools/<str:key>/", views.ranking_pool, name="ranking_pool"),
    path(f"{RANKING}works/<int:work_pk>/", views.ranking_work, name="ranking_work"),
    path(f"{RANKING}advance/", ranking_advancement.ranking_advance, name="ranking_advance"),
]
