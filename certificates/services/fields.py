"""Merge fields, text blocks and numbering patterns: checking them and filling them in."""

import re
import string

from django.utils.translation import gettext as _

from contest.errors import ValidationFailed

MERGE_FIELDS = (
    "name",
    "co_authors",
    "supervisor",
    "institution",
    "work_title",
    "award",
    "category",
    "contest",
    "date",
    "certificate_no",
    "code",  # the verification code, printed so that the certificate can be checked by hand
)
NUMBER_FIELDS = ("year", "contest", "seq")
ALIGNMENTS = ("left", "center", "right")
MAX_BLOCKS = 30
FIELD = re.compile(r"\{(\w+)\}")


def fields_in(text: str) -> list[str]:
    return FIELD.findall(text)


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each known {field} replaced; anything else is left as written."""
    return FIELD.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def _number(value, name: str, low: float, high: float, errors: list, index: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        errors.append(
            _("Block %(index)d: %(name)s must be a number from %(low)s to %(high)s.")
            % {"index": index, "name": name, "low": low, "high": high}
        )
        return low
    return float(value)


def _clean_block(raw, index: int, page: tuple[float, float], errors: list) -> dict:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"]:
        errors.append(_("Block %(index)d needs a text.") % {"index": index})
        return {}
    unknown = sorted(set(fields_in(raw["text"])) - set(MERGE_FIELDS))
    if unknown:
        errors.append(
            _("Block %(index)d: unknown fields %(fields)s.")
            % {"index": index, "fields": ", ".join("{" + f + "}" for f in unknown)}
        )
    align = raw.get("align", "center")
    if align not in ALIGNMENTS:
        errors.append(_("Block %(index)d: align is left, center or right.") % {"index": index})
    return {
        "text": raw["text"][:500],
        "x": _number(raw.get("x"), "x", 0, page[0], errors, index),
        "y": _number(raw.get("y"), "y", 0, page[1], errors, index),
        "size": _number(raw.get("size", 16), "size", 4, 200, errors, index),
        "align": align,
        "bold": bool(raw.get("bold", False)),
        "max_width": _number(raw.get("max_width", 0), "max_width", 0, page[0], errors, index),
    }


def clean_blocks(raw, page: tuple[float, float]) -> list[dict]:
    """Blocks in their normal form; ValidationFailed on the "blocks" field lists every problem.

    `page` is (width, height) in mm: a block must start on the page.
    """
    if not isinstance(raw, list):
        raise ValidationFailed(fields={"blocks": [_("Text blocks must be a list.")]})
    errors: list[str] = []
    if len(raw) > MAX_BLOCKS:
        errors.append(_("At most %(count)d text blocks.") % {"count": MAX_BLOCKS})
    blocks = [_clean_block(item, i, page, errors) for i, item in enumerate(raw[:MAX_BLOCKS], 1)]
    if errors:
        raise ValidationFailed(fields={"blocks": errors})
    return blocks


def check_numbering(pattern: str) -> None:
    """A pattern must contain {seq} (which keeps numbers unique) and only the known fields."""
    try:
        parsed = list(string.Formatter().parse(pattern))
        names = [name for _text, name, _spec, _conv in parsed if name is not None]
        format_number(pattern, year=2000, contest="x", seq=1)
    except (ValueError, IndexError, KeyError):
        names = None
    if names is None or "seq" not in names or set(names) - set(NUMBER_FIELDS):
        raise ValidationFailed(
            fields={
                "numbering": [
                    _("Use {seq} once and otherwise only {year} and {contest}, e.g. %(example)s.")
                    % {"example": "{year}-{contest}-{seq:05d}"}
                ]
            }
        )


def format_number(pattern: str, *, year: int, contest: str, seq: int) -> str:
    return pattern.format(year=year, contest=contest, seq=seq)
