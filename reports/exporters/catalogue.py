"""The modules whose exporters are offered, in the order organisers see them."""

from reports.exporters import results  # noqa: F401, I001 (results first, then lists)
from reports.exporters import lists  # noqa: F401
