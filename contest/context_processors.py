"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from contest.models import ContestRole


def roles(request) -> dict:
    """Whether the user judges any contest (for the menu); queried only if a template asks."""
    user = getattr(request, "user", None)

    def judges() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return ContestRole.objects.filter(user=user, role=ContestRole.Role.JUDGE).exists()

    return {"user_is_judge": SimpleLazyObject(judges)}
