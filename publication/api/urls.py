from django.urls import path

from publication.api import views

urlpatterns = [
    path("contests/<slug:slug>/notice/", views.NoticeView.as_view(), name="api-notice"),
    path(
        "contests/<slug:slug>/notice/publish/",
        views.NoticePublishView.as_view(),
        name="api-notice-publish",
    ),
    path(
        "contests/<slug:slug>/notice/withdraw/",
        views.NoticeWithdrawView.as_view(),
        name="api-notice-withdraw",
    ),
    path("contests/<slug:slug>/results/", views.PublicResultsView.as_view(), name="api-results"),
    path(
        "contests/<slug:slug>/results.csv", views.ResultsCsvView.as_view(), name="api-results-csv"
    ),
    path("contests/<slug:slug>/appeals/", views.ContestAppealsView.as_view(), name="api-appeals"),
    path("works/<int:pk>/result/", views.OwnResultView.as_view(), name="api-work-result"),
    path("works/<int:pk>/appeals/", views.WorkAppealsView.as_view(), name="api-work-appeals"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="api-appeal"),
    path("appeals/<int:pk>/answer/", views.AppealAnswerView.as_view(), name="api-appeal-answer"),
]
