"""Self-hosted API documentation (Swagger UI and Redoc come from drf-spectacular-sidecar).

Nothing is loaded from a CDN: many schools cannot reach foreign hosts.
"""

from django.template import engines
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import TemplateHTMLRenderer

# The documentation pages bootstrap themselves with a small inline script; only they may.
_DOCS_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "worker-src": ["'self'", "blob:"],
}

# drf-spectacular's Redoc page links Google Fonts in its head; this head has no outside links
# (Redoc then uses the system fonts).
_REDOC_TEMPLATE = engines["django"].from_string(
    '{% extends "drf_spectacular/redoc.html" %}'
    '{% block head %}<title>{{ title }}</title><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<style>body { margin: 0; padding: 0; }</style>{% endblock head %}"
)


class _LocalRedocRenderer(TemplateHTMLRenderer):
    def resolve_template(self, template_names):
        return _REDOC_TEMPLATE


@method_decorator(csp_override(_DOCS_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerView):
    pass


@method_decorator(csp_override(_DOCS_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    renderer_classes = [_LocalRedocRenderer]
