"""Limits of the reports app, each overridable in the project settings."""

from datetime import timedelta

from django.conf import settings


def stream_row_limit() -> int:
    """Exports with at most this many rows are sent straight from the request; larger ones are
    made in the background into a generated file."""
    return getattr(settings, "EXPORT_STREAM_ROW_LIMIT", 5000)


def file_lifetime() -> timedelta:
    """How long a generated file may be downloaded after it is ready."""
    return timedelta(hours=getattr(settings, "GENERATED_FILE_HOURS", 48))


def stale_after() -> timedelta:
    """A file still queued or running after this long lost its worker: it is marked failed."""
    return timedelta(hours=getattr(settings, "GENERATED_FILE_STALE_HOURS", 6))
