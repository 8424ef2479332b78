from django.urls import path

from certificates.api import views

CONTEST = "contests/<slug:contest_slug>/"

urlpatterns = [
    path(
        f"{CONTEST}certificate-templates/",
        views.ContestTemplatesView.as_view(),
        name="api-certificate-templates",
    ),
    path(
        "certificate-templates/<int:pk>/",
        views.TemplateView.as_view(),
        name="api-certificate-template",
    ),
    path(
        "certificate-templates/<int:pk>/images/<str:slot>/",
        views.TemplateImageView.as_view(),
        name="api-certificate-template-image",
    ),
    path(
        f"{CONTEST}certificates/", views.ContestCertificatesView.as_view(), name="api-certificates"
    ),
    path(f"{CONTEST}certificates/check/", views.CheckView.as_view(), name="api-certificates-check"),
    path(f"{CONTEST}certificates/issue/", views.IssueView.as_view(), name="api-certificates-issue"),
    path(f"{CONTEST}certificates/files/", views.BatchView.as_view(), name="api-certificate-batch"),
    path("certificate-files/<int:pk>/", views.FileView.as_view(), name="api-certificate-file"),
    path("certificates/<int:pk>/", views.CertificateView.as_view(), name="api-certificate"),
    path(
        "certificates/<int:pk>/revoke/", views.RevokeView.as_view(), name="api-certificate-revoke"
    ),
    path(
        "certificates/<int:pk>/reissue/",
        views.ReissueView.as_view(),
        name="api-certificate-reissue",
    ),
    path("me/certificates/", views.MyCertificatesView.as_view(), name="api-my-certificates"),
    path("certificates/verify/", views.VerifyView.as_view(), name="api-certificate-verify"),
]
