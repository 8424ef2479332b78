"""What every API view shares."""

from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from contest.api.serializers import ErrorSerializer

# Token first: DRF answers an anonymous write with the first class's WWW-Authenticate header, and
# only with such a header is the status 401 (session authentication has none, which gives 403).
AUTHENTICATION = (TokenAuthentication, SessionAuthentication)


class ApiViewMixin:
    authentication_classes = AUTHENTICATION

    def validated(self, *, partial: bool = False, serializer_class=None) -> dict:
        """The request body checked by the view's serializer; errors propagate as 400."""
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def get_serializer_context(self) -> dict:
        return {"request": self.request, "view": self, "contest": getattr(self, "contest", None)}


def errors(*statuses: int) -> dict:
    """Error responses for the schema: all share the {"code", "message", "fields"} shape."""
    return dict.fromkeys(statuses, ErrorSerializer)
