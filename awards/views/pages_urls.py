"""Organisers' award pages, under /contests/<slug>/awards/."""

from django.urls import path

from awards.views import pages as views

AWARDS = "contests/<slug:slug>/awards/"

urlpatterns = [
    path(AWARDS, views.awards_overview, name="awards_overview"),
    path(f"{AWARDS}scheme/", views.award_scheme_edit, name="award_scheme"),
    path(f"{AWARDS}pool-value/", views.award_pool_value, name="award_pool_value"),
    path(f"{AWARDS}preview/", views.awards_preview_page, name="awards_preview"),
    path(f"{AWARDS}ties/", views.award_tie, name="award_tie"),
    path(f"{AWARDS}confirm/", views.awards_confirm_page, name="awards_confirm"),
    path(f"{AWARDS}unconfirm/", views.awards_unconfirm_page, name="awards_unconfirm"),
    path(f"{AWARDS}list/", views.award_list, name="award_list"),
    path(f"{AWARDS}<int:pk>/override/", views.award_override_page, name="award_override"),
]
