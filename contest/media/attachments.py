"""Clean copies of documents for the judges: no author, company, reviewer or custom properties.

Word and PowerPoint files are rewritten part by part, streaming every part we do not change.
XML we parse is refused if it declares a DOCTYPE or entities (no billion laughs, no external
entities); parts we only edit are changed with byte patterns, never parsed.
"""

import os
import re
import shutil
import zipfile
import zlib
from xml.etree import ElementTree
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from contest.media.errors import MediaRejected
from contest.media.files import atomic_destination
from contest.media.sniff import check_zip_limits

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
EMPTY_CORE_PROPERTIES = (
    XML_DECLARATION + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006'
    '/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    '"http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi='
    '"http://www.w3.org/2001/XMLSchema-instance"/>'
).encode()
# Extended properties kept in docProps/app.xml: counts and flags. Everything else (Company,
# Manager, Template, HyperlinkBase, titles of parts, application name) is dropped.
APP_PROPERTIES_KEPT = frozenset(
    {"TotalTime", "Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs"}
    | {"Slides", "Notes", "HiddenSlides", "MMClips", "PresentationFormat", "DocSecurity"}
    | {"ScaleCrop", "LinksUpToDate", "SharedDoc", "HyperlinksChanged"}
)
APP_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM_PART = "docProps/custom.xml"
# Names of reviewers and comment authors, in attributes of these parts.
_WORD_AUTHORS = re.compile(rb"(\s(?:w:author|w:initials|w15:author|w15:userId)=)([\"'])(.*?)\2")
_PPT_AUTHORS = re.compile(rb"(\s(?:name|initials|userId)=)([\"'])(.*?)\2")
_PPT_AUTHOR_PARTS = {"ppt/commentAuthors.xml", "ppt/authors.xml"}
# A relationship to a file on the author's computer (attached template, linked picture) names
# their user folder: C:\Users\<name>\...
_LOCAL_TARGET = re.compile(r"^(file:|\\\\|[A-Za-z]:[\\/])", re.IGNORECASE)
_MARKUP_ANNOTATIONS = {"/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon"}
_MARKUP_ANNOTATIONS |= {"/PolyLine", "/Highlight", "/Underline", "/Squiggly", "/StrikeOut"}
_MARKUP_ANNOTATIONS |= {"/Stamp", "/Caret", "/Ink", "/FileAttachment", "/Sound", "/Redact"}
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, IndexError, TypeError, zlib.error, RecursionError)


def sanitise_document(src: str | os.PathLike, dst: str | os.PathLike, kind: str) -> None:
    """Write a copy of `src` without identifying properties to `dst`, atomically.

    `kind` is what `sniff_document(src)` returned: "docx", "pptx" or "pdf".
    """
    if kind == "pdf":
        _sanitise_pdf(src, dst)
    elif kind in ("docx", "pptx"):
        _sanitise_ooxml(src, dst, kind)
    else:
        raise ValueError(f"unknown document kind {kind!r}")


def _sanitise_ooxml(src: str | os.PathLike, dst: str | os.PathLike, kind: str) -> None:
    try:
        with zipfile.ZipFile(src) as source, atomic_destination(dst) as tmp:
            check_zip_limits(source)
            authors = _Pseudonyms()
            with zipfile.ZipFile(tmp, "w") as copy:
                for info in source.infolist():
                    _copy_part(source, copy, info, _rewriter(info.filename, kind, authors))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise MediaRejected("damaged_document", detail=str(exc)) from exc


def _copy_part(source: zipfile.ZipFile, copy: zipfile.ZipFile, info: zipfile.ZipInfo, rewrite):
    """Copy one part, through `rewrite` if it carries identifying data, with a neutral date."""
    if info.filename == CUSTOM_PART:
        return
    out = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
    stored = info.compress_type == zipfile.ZIP_STORED
    out.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if rewrite is not None:
        copy.writestr(out, rewrite(source.read(info)))
    elif info.is_dir():
        copy.writestr(out, b"")
    else:
        with source.open(info) as part, copy.open(out, "w") as target:
            shutil.copyfileobj(part, target, 1024 * 1024)


def _rewriter(name: str, kind: str, authors: "_Pseudonyms"):
    if name == "docProps/core.xml":
        return lambda data: EMPTY_CORE_PROPERTIES
    if name == "docProps/app.xml":
        return _clean_app_properties
    if name == "[Content_Types].xml":
        return _clean_content_types
    if name.endswith(".rels"):
        return _clean_relationships
    if kind == "docx" and name.startswith("word/") and name.endswith(".xml"):
        return lambda data: authors.replace(_WORD_AUTHORS, data)
    if kind == "pptx" and name in _PPT_AUTHOR_PARTS:
        return lambda data: authors.replace(_PPT_AUTHORS, data)
    return None


def _clean_app_properties(data: bytes) -> bytes:
    root = parse_xml(data)
    kept = []
    for child in root:
        name = child.tag.rpartition("}")[2]
        if name in APP_PROPERTIES_KEPT and len(child) == 0:
            kept.append(f"<{name}>{escape(child.text or '')}</{name}>")
    body = "".join(kept)
    return f'{XML_DECLARATION}<Properties xmlns="{APP_NAMESPACE}">{body}</Properties>'.encode()


def _clean_content_types(data: bytes) -> bytes:
    root = parse_xml(data)
    kept = [c for c in root if c.get("PartName", "").lstrip("/") != CUSTOM_PART]
    return _flat_xml(root, kept)


def _clean_relationships(data: bytes) -> bytes:
    """Drop the custom properties relationship; point links to local files nowhere."""
    root = parse_xml(data)
    kept = []
    for rel in root:
        if rel.get("Target", "").lstrip("/") == CUSTOM_PART:
            continue
        if rel.get("TargetMode") == "External" and _LOCAL_TARGET.match(rel.get("Target", "")):
            rel.set("Target", "about:blank")
        kept.append(rel)
    return _flat_xml(root, kept)


def _flat_xml(root: ElementTree.Element, children: list[ElementTree.Element]) -> bytes:
    """Serialise a root with attribute-only children in one default namespace (rels, types)."""
    namespace, _, name = root.tag[1:].partition("}")
    lines = [f"{XML_DECLARATION}<{name} xmlns={quoteattr(namespace)}>"]
    for child in children:
        attributes = "".join(
            f" {key}={quoteattr(value)}" for key, value in child.attrib.items() if "}" not in key
        )
        lines.append(f"<{child.tag.rpartition('}')[2]}{attributes}/>")
    lines.append(f"</{name}>")
    return "".join(lines).encode()


class _Pseudonyms:
    """ "Author 1", "Author 2"... (initials "A1", "A2"...), the same across all parts of a file."""

    def __init__(self):
        self.numbers: dict[tuple[bool, bytes], int] = {}

    def replace(self, pattern: re.Pattern, data: bytes) -> bytes:
        return pattern.sub(self._replace_match, data)

    def _replace_match(self, match: re.Match) -> bytes:
        attribute, quote, value = match.groups()
        initials = b"initials" in attribute
        number = self.numbers.setdefault((initials, value), len(self.numbers) + 1)
        return attribute + quote + (b"A%d" if initials else b"Author %d") % number + quote


class _DeclarationFound(Exception):
    pass


def _refuse_declaration(*args) -> None:
    raise _DeclarationFound


def parse_xml(data: bytes) -> ElementTree.Element:
    """Parse a small XML part, refusing DTDs: no entity expansion, no external entities.

    A first pass with expat (which decodes the bytes exactly as the real parse will) stops at
    any DOCTYPE or entity declaration before anything is expanded.
    """
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_declaration
    guard.EntityDeclHandler = _refuse_declaration
    try:
        guard.Parse(data, True)
    except _DeclarationFound as exc:
        detail = "XML with a DOCTYPE or ENTITY declaration"
        raise MediaRejected("damaged_document", detail=detail) from exc
    except expat.ExpatError as exc:
        raise MediaRejected("damaged_document", detail=str(exc)) from exc
    return ElementTree.fromstring(data)  # noqa: S314 -- no DTD, checked just above


def _sanitise_pdf(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    try:
        reader = PdfReader(src)
        if reader.is_encrypted:
            raise MediaRejected("encrypted_pdf")
        writer = PdfWriter(clone_from=reader)
        _strip_pdf(writer)
        with atomic_destination(dst) as tmp, open(tmp, "wb") as file:
            writer.write(file)
    except _PDF_ERRORS as exc:
        raise MediaRejected("damaged_document", detail=str(exc)) from exc


def _strip_pdf(writer: PdfWriter) -> None:
    """No document information, no XMP, no page metadata, no authors of comments."""
    writer.metadata = None
    for owner in (writer.root_object, *(page for page in writer.pages)):
        for key in ("/Metadata", "/PieceInfo"):
            if key in owner:
                del owner[NameObject(key)]
    for page in writer.pages:
        for annotation in page.get("/Annots", None) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") in _MARKUP_ANNOTATIONS and "/T" in annotation:
                del annotation[NameObject("/T")]
    # The removed dictionaries and streams would still be written as unreferenced objects.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
