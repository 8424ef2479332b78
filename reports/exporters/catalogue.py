"""The modules whose exporters are offered, in the order organisers see them."""

from reports.exporters import lists  # noqa: F401
