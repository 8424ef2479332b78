from django.urls import path

from certificates.views import manage, public, templates

CONTEST = "contests/<slug:slug>/certificates/"

urlpatterns = [
    path(CONTEST, manage.certificate_overview, name="certificate_overview"),
    path(f"{CONTEST}issue/", manage.certificate_issue_view, name="certificate_issue"),
    path(f"{CONTEST}files/", manage.certificate_batch_view, name="certificate_batch"),
    path(f"{CONTEST}templates/<str:kind>/", templates.template_edit, name="certificate_template"),
    path(
        "certificates/templates/<int:pk>/images/<str:slot>/",
        templates.template_image,
        name="certificate_template_image",
    ),
    path(
        "certificates/templates/<int:pk>/preview/",
        templates.template_preview,
        name="certificate_template_preview",
    ),
    path(
        "certificates/templates/<int:pk>/delete/",
        templates.template_delete_view,
        name="certificate_template_delete",
    ),
    path("certificates/files/<int:pk>/", manage.certificate_file_state, name="certificate_file"),
    path(
        "certificates/files/<int:pk>/download/",
        manage.certificate_file_download,
        name="certificate_file_download",
    ),
    path("certificates/<int:pk>/", manage.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", manage.certificate_download, name="certificate_download"),
    path(
        "certificates/<int:pk>/revoke/", manage.certificate_revoke_view, name="certificate_revoke"
    ),
    path(
        "certificates/<int:pk>/reissue/",
        manage.certificate_reissue_view,
        name="certificate_reissue",
    ),
    path("certificates/mine/", public.my_certificates, name="my_certificates"),
    path(
        "certificates/mine/<int:pk>/pdf/",
        public.my_certificate_download,
        name="my_certificate_download",
    ),
    path("verify/", public.verify, name="certificate_verify"),
    path("verify/<str:code>/", public.verify_code, name="certificate_verify_code"),
]
