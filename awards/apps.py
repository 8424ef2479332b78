from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from awards.selectors.schemes import snapshot_awarded
        from results.selectors.ranking import SNAPSHOT_USERS

        # A snapshot with confirmed awards is in use: unfreezing it waits for unconfirming.
        if snapshot_awarded not in SNAPSHOT_USERS:
            SNAPSHOT_USERS.append(snapshot_awarded)
