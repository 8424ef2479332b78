import zipfile

import pytest
from pypdf import PdfReader

from contest.media import MediaRejected, sanitise_document, sniff_document
from contest.media.attachments import parse_xml
from tests.contest.media.documents import (
    IDENTIFYING,
    OFFICE,
    PNG_PIXEL,
    make_pdf,
    office_parts,
    relationships,
    write_office,
)
from tests.media_clips import write_bytes

APP_NS = f"{{{OFFICE}/extended-properties}}"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Company>&lol2;</Company></Properties>"
)


def sanitised(tmp_path, kind, parts=None):
    src = write_office(tmp_path / f"upload.{kind}", parts or office_parts(kind))
    dst = tmp_path / f"clean.{kind}"
    sanitise_document(src, dst, sniff_document(src))
    return zipfile.ZipFile(dst)


def all_text(archive: zipfile.ZipFile) -> str:
    return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.mark.parametrize("kind", ["docx", "pptx"])
def test_office_kind_comes_from_the_content_not_the_name(tmp_path, kind):
    path = write_office(tmp_path / "upload.pdf", office_parts(kind))

    assert sniff_document(path) == kind


@pytest.mark.parametrize("kind", ["docx", "pptx"])
def test_the_clean_copy_names_nobody(tmp_path, kind):
    with sanitised(tmp_path, kind) as copy:
        text = all_text(copy)

    assert [word for word in IDENTIFYING if word in text] == []


@pytest.mark.parametrize("kind", ["docx", "pptx"])
def test_the_clean_copy_is_a_valid_package(tmp_path, kind):
    with sanitised(tmp_path, kind) as copy:
        assert copy.testzip() is None
        xml_parts = [n for n in copy.namelist() if n.endswith((".xml", ".rels"))]
        for name in xml_parts:
            parse_xml(copy.read(name))
        assert copy.read("media/image1.png") == PNG_PIXEL
        assert {info.date_time for info in copy.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties_are_empty_and_app_properties_keep_only_counts(tmp_path):
    with sanitised(tmp_path, "docx") as copy:
        core = parse_xml(copy.read("docProps/core.xml"))
        app = parse_xml(copy.read("docProps/app.xml"))

    assert list(core) == []
    assert {child.tag.removeprefix(APP_NS): child.text for child in app} == {
        "TotalTime": "42",
        "Pages": "1",
        "Words": "12",
    }


def test_custom_properties_are_removed_with_their_relationship_and_content_type(tmp_path):
    with sanitised(tmp_path, "docx") as copy:
        names = copy.namelist()
        package_rels = copy.read("_rels/.rels").decode()
        content_types = copy.read("[Content_Types].xml").decode()

    assert "docProps/custom.xml" not in names
    assert "custom" not in package_rels
    assert "custom" not in content_types
    assert "word/document.xml" in package_rels
    assert "/word/document.xml" in content_types


def test_reviewers_and_comment_authors_get_one_pseudonym_across_parts(tmp_path):
    with sanitised(tmp_path, "docx") as copy:
        document = copy.read("word/document.xml").decode()
        comments = copy.read("word/comments.xml").decode()
        people = copy.read("word/people.xml").decode()

    assert 'w:author="Author 1"' in document
    assert 'w:author="Author 1"' in comments
    assert 'w:initials="A2"' in comments
    assert 'w15:author="Author 1"' in people
    assert "一次函数的图像" in document


def test_links_to_files_on_the_authors_computer_point_nowhere(tmp_path):
    with sanitised(tmp_path, "docx") as copy:
        rels = parse_xml(copy.read("word/_rels/settings.xml.rels"))

    assert [rel.get("Target") for rel in rels] == ["about:blank"]
    assert [rel.get("TargetMode") for rel in rels] == ["External"]


def test_web_links_are_kept(tmp_path):
    parts = office_parts("docx")
    web = relationships((f"{OFFICE}/relationships/hyperlink", "https://example.cn/", "External"))
    parts["word/_rels/document.xml.rels"] = web

    with sanitised(tmp_path, "docx", parts) as copy:
        rels = parse_xml(copy.read("word/_rels/document.xml.rels"))

    assert [rel.get("Target") for rel in rels] == ["https://example.cn/"]


def test_pptx_comment_authors_are_pseudonymised(tmp_path):
    with sanitised(tmp_path, "pptx") as copy:
        authors = parse_xml(copy.read("ppt/commentAuthors.xml"))

    assert [(a.get("name"), a.get("initials")) for a in authors] == [("Author 1", "A2")]


def test_sanitising_again_gives_the_same_file(tmp_path):
    src = write_office(tmp_path / "upload.docx", office_parts("docx"))
    dst = tmp_path / "clean.docx"

    sanitise_document(src, dst, "docx")
    first = dst.read_bytes()
    sanitise_document(src, dst, "docx")

    assert dst.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.docx", "upload.docx"]


def test_xml_with_entity_declarations_is_refused_before_expansion(tmp_path):
    parts = office_parts("docx") | {"docProps/app.xml": BILLION_LAUGHS}
    src = write_office(tmp_path / "upload.docx", parts)
    dst = tmp_path / "clean.docx"

    with pytest.raises(MediaRejected) as refused:
        sanitise_document(src, dst, "docx")

    assert refused.value.code == "damaged_document"
    assert list(tmp_path.iterdir()) == [src]


def test_macro_enabled_documents_are_refused(tmp_path):
    parts = office_parts("docx") | {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}
    path = write_office(tmp_path / "upload.docx", parts)

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert refused.value.code == "macro_document"


def test_a_zip_with_too_many_entries_is_refused(tmp_path):
    parts = office_parts("docx") | {f"word/media/{i}.bin": b"" for i in range(5001)}
    path = write_office(tmp_path / "upload.docx", parts)

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert refused.value.code == "document_too_complex"


def test_a_zip_that_unpacks_to_more_than_500_mib_is_refused(tmp_path):
    path = write_office(tmp_path / "upload.docx", office_parts("docx"))
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/zeros.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(501):
            part.write(chunk)

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert refused.value.code == "document_too_complex"
    assert path.stat().st_size < 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("allowed", "name", "shown"),
    [(("docx", "pdf"), "pptx", "PPTX"), (("pptx", "pdf"), "docx", "DOCX")],
)
def test_a_document_of_another_kind_than_allowed_is_refused(tmp_path, allowed, name, shown):
    path = write_office(tmp_path / f"upload.{name}", office_parts(name))

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path, allowed=allowed)

    assert refused.value.code == "document_type_not_allowed"
    assert refused.value.params["kind"] == shown


def test_a_spreadsheet_is_not_an_allowed_document(tmp_path):
    parts = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    path = write_office(tmp_path / "upload.docx", parts)

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert (refused.value.code, refused.value.params["kind"]) == (
        "document_type_not_allowed",
        "XLSX",
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        ("这是教案的文字版\n".encode(), "not_document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "legacy_office_document"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated", "damaged_document"),
    ],
)
def test_files_that_are_not_documents_are_refused(tmp_path, content, code):
    path = write_bytes(tmp_path / "教学设计.pdf", content)

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert refused.value.code == code


def test_a_plain_zip_is_not_a_document(tmp_path):
    path = write_office(tmp_path / "upload.docx", {"lesson.txt": "hello"})

    with pytest.raises(MediaRejected) as refused:
        sniff_document(path)

    assert (refused.value.code, refused.value.params) == ("not_document", {"looks_like": "zip"})


def test_a_pdf_named_docx_is_a_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "source.pdf")
    renamed = write_bytes(tmp_path / "教学设计.docx", pdf.read_bytes())

    assert sniff_document(renamed) == "pdf"


def test_the_clean_pdf_has_no_document_information_and_no_xmp(tmp_path):
    src = make_pdf(tmp_path / "upload.pdf")
    dst = tmp_path / "clean.pdf"

    sanitise_document(src, dst, sniff_document(src))

    reader = PdfReader(dst)
    assert not reader.metadata
    assert "/Metadata" not in reader.trailer["/Root"]
    assert len(reader.pages) == 1
    [annotation] = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert annotation["/Contents"] == "请修改"
    assert "/T" not in annotation


def test_the_clean_pdf_bytes_hold_no_name_in_any_encoding(tmp_path):
    src = make_pdf(tmp_path / "upload.pdf")
    dst = tmp_path / "clean.pdf"

    sanitise_document(src, dst, "pdf")

    data = dst.read_bytes()
    for word in ("王喆", "北京市第一六一中学"):
        assert word.encode() not in data
        assert word.encode("utf-16-be") not in data
    assert b"WPS" not in data
    assert b"xmpmeta" not in data


def test_an_encrypted_pdf_is_refused(tmp_path):
    src = make_pdf(tmp_path / "upload.pdf", encrypt=True)

    with pytest.raises(MediaRejected) as refused:
        sanitise_document(src, tmp_path / "clean.pdf", sniff_document(src))

    assert refused.value.code == "encrypted_pdf"
    assert not (tmp_path / "clean.pdf").exists()


def test_a_broken_pdf_is_refused_as_damaged(tmp_path):
    src = write_bytes(tmp_path / "upload.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog")

    with pytest.raises(MediaRejected) as refused:
        sanitise_document(src, tmp_path / "clean.pdf", sniff_document(src))

    assert refused.value.code == "damaged_document"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.pdf"]
