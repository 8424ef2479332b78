from django.urls import path

from publication.views import entrant, notices, public

urlpatterns = [
    path("contests/<slug:slug>/notice/", notices.notice_manage, name="notice_manage"),
    path("contests/<slug:slug>/notice/publish/", notices.notice_publish, name="notice_publish"),
    path("contests/<slug:slug>/notice/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    path("contests/<slug:slug>/appeals/", notices.appeal_list, name="appeal_list"),
    path("contests/<slug:slug>/results.csv", notices.results_csv, name="results_csv"),
    path("contests/<slug:slug>/results/", public.public_results, name="public_results"),
    path(
        "contests/<slug:slug>/results/<slug:category>/",
        public.public_results,
        name="public_results_category",
    ),
    path("appeals/<int:pk>/", notices.appeal_detail, name="appeal_detail"),
    path("works/<int:pk>/result/", entrant.work_result, name="work_result"),
]
