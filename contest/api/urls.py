from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from contest.api.docs import RedocView, SwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("schema/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("v1/", include("contest.api.v1_urls")),
]
