"""Small Office documents and PDFs carrying the identifying properties an entrant's software
leaves: author, last editor, company, custom properties, reviewers, comment authors.

python-docx and python-pptx are not installed: the few OOXML parts a package needs are written by
hand, as {part name: text or bytes}, so that a test can change any part before writing.
"""

import zipfile
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter
from pypdf.annotations import Text
from pypdf.generic import DecodedStreamObject, NameObject, TextStringObject

from tests.media_clips import encode_image

OOXML = "http://schemas.openxmlformats.org"
PACKAGE = f"{OOXML}/package/2006"
OFFICE = f"{OOXML}/officeDocument/2006"
WORD_NS = f"{OOXML}/wordprocessingml/2006/main"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
PRESENTATION_NS = f"{OOXML}/presentationml/2006/main"
TYPES = "application/vnd.openxmlformats-officedocument"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PNG_PIXEL = encode_image(Image.new("RGB", (4, 4), (10, 20, 30)), "PNG")
MAIN_PARTS = {
    "docx": ("word/document.xml", f"{TYPES}.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml", f"{TYPES}.presentationml.presentation.main+xml"),
}
# Everything in these documents that names the entrant, their school or their colleagues.
IDENTIFYING = ["张堃", "杭州学军中学", "李老师", "王校长", "zhangkun", "ZK", "教学设计"]


def office_parts(kind: str, *, author: str = "张堃", company: str = "杭州学军中学") -> dict:
    """The parts of a small .docx or .pptx, as {name: text or bytes}, ready to change."""
    main, main_type = MAIN_PARTS[kind]
    parts = {
        "[Content_Types].xml": _content_types(main, main_type),
        "_rels/.rels": relationships(
            (f"{OFFICE}/relationships/officeDocument", main),
            (f"{PACKAGE}/relationships/metadata/core-properties", "docProps/core.xml"),
            (f"{OFFICE}/relationships/extended-properties", "docProps/app.xml"),
            (f"{OFFICE}/relationships/custom-properties", "docProps/custom.xml"),
        ),
        "docProps/core.xml": _core_properties(author),
        "docProps/app.xml": _app_properties(company),
        "docProps/custom.xml": _custom_properties(company),
        "media/image1.png": PNG_PIXEL,
    }
    return parts | (_word_parts(author) if kind == "docx" else _slides_parts(author))


def write_office(path: str | Path, parts: dict) -> Path:
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path


def relationships(*entries: tuple) -> str:
    """A .rels part; an entry is (type, target) or (type, target, "External")."""
    lines = []
    for number, (kind, target, *mode) in enumerate(entries, start=1):
        external = f' TargetMode="{mode[0]}"' if mode else ""
        lines.append(f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"{external}/>')
    return (
        f'{XML_HEAD}<Relationships xmlns="{PACKAGE}/relationships">{"".join(lines)}</Relationships>'
    )


def _content_types(main: str, main_type: str) -> str:
    overrides = {
        main: main_type,
        "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app.xml": f"{TYPES}.extended-properties+xml",
        "docProps/custom.xml": f"{TYPES}.custom-properties+xml",
    }
    rels = "application/vnd.openxmlformats-package.relationships+xml"
    return (
        f'{XML_HEAD}<Types xmlns="{PACKAGE}/content-types">'
        f'<Default Extension="rels" ContentType="{rels}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        + "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides.items())
        + "</Types>"
    )


def _core_properties(author: str) -> str:
    return (
        f'{XML_HEAD}<cp:coreProperties xmlns:cp="{PACKAGE}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{author}的教学设计</dc:title><dc:subject>函数</dc:subject>"
        f"<dc:creator>{author}</dc:creator><cp:keywords>{author}</cp:keywords>"
        f"<dc:description>{author} 杭州</dc:description><cp:category>微课</cp:category>"
        "<cp:lastModifiedBy>李老师</cp:lastModifiedBy><cp:revision>3</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-01T08:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-05-02T08:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app_properties(company: str) -> str:
    return (
        f'{XML_HEAD}<Properties xmlns="{OFFICE}/extended-properties" '
        f'xmlns:vt="{OFFICE}/docPropsVTypes">'
        "<Template>C:\\Users\\zhangkun\\Templates\\学军.dotm</Template><TotalTime>42</TotalTime>"
        "<Pages>1</Pages><Words>12</Words><Application>Microsoft Office Word</Application>"
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Title'
        "</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector>"
        '</HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>张堃的'
        "教学设计</vt:lpstr></vt:vector></TitlesOfParts><Manager>王校长</Manager>"
        f"<Company>{company}</Company><HyperlinkBase>http://xj.example.cn/zhangkun/</HyperlinkBase>"
        "<AppVersion>16.0000</AppVersion></Properties>"
    )


def _custom_properties(company: str) -> str:
    return (
        f'{XML_HEAD}<Properties xmlns="{OFFICE}/custom-properties" '
        f'xmlns:vt="{OFFICE}/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="学校">'
        f"<vt:lpwstr>{company}</vt:lpwstr></property></Properties>"
    )


def _word_parts(author: str) -> dict:
    document = (
        f'{XML_HEAD}<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>一次函数的图像'
        f'</w:t></w:r><w:ins w:id="1" w:author="{author}" w:date="2024-05-02T08:00:00Z"><w:r>'
        '<w:t>（修订）</w:t></w:r></w:ins><w:commentRangeStart w:id="0"/><w:r>'
        '<w:commentReference w:id="0"/></w:r></w:p></w:body></w:document>'
    )
    comments = (
        f'{XML_HEAD}<w:comments xmlns:w="{WORD_NS}"><w:comment w:id="0" w:author="{author}" '
        'w:date="2024-05-02T08:00:00Z" w:initials="ZK"><w:p><w:r><w:t>请再看看</w:t></w:r></w:p>'
        "</w:comment></w:comments>"
    )
    people = (
        f'{XML_HEAD}<w15:people xmlns:w15="{W15_NS}"><w15:person w15:author="{author}">'
        '<w15:presenceInfo w15:providerId="Windows Live" w15:userId="zhangkun@xj.example.cn"/>'
        "</w15:person></w15:people>"
    )
    template = "file:///C:\\Users\\zhangkun\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm"
    return {
        "word/document.xml": document,
        "word/comments.xml": comments,
        "word/people.xml": people,
        "word/settings.xml": f'{XML_HEAD}<w:settings xmlns:w="{WORD_NS}"/>',
        "word/_rels/settings.xml.rels": relationships(
            (f"{OFFICE}/relationships/attachedTemplate", template, "External")
        ),
    }


def _slides_parts(author: str) -> dict:
    authors = (
        f'{XML_HEAD}<p:cmAuthorLst xmlns:p="{PRESENTATION_NS}"><p:cmAuthor id="1" '
        f'name="{author}" initials="ZK" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    )
    return {
        "ppt/presentation.xml": f'{XML_HEAD}<p:presentation xmlns:p="{PRESENTATION_NS}"/>',
        "ppt/commentAuthors.xml": authors,
    }


def make_pdf(
    path: str | Path, *, author: str = "王喆", encrypt: bool = False, comment: bool = True
) -> Path:
    """A one-page PDF with author fields, an XMP packet and a comment signed by `author`."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata(
        {"/Author": author, "/Title": f"{author}的教学设计", "/Creator": "WPS 文字"}
        | {"/Producer": "WPS", "/Subject": "北京市第一六一中学", "/Keywords": author}
    )
    xmp = DecodedStreamObject()
    packet = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{author}</dc:creator></x:xmpmeta>'
    xmp.set_data(packet.encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    if comment:
        writer.add_annotation(0, Text(text="请修改", rect=(10, 10, 30, 30)))
        writer.pages[0]["/Annots"][0].get_object()[NameObject("/T")] = TextStringObject(author)
    if encrypt:
        writer.encrypt(user_password="", owner_password="owner")
    with open(path, "wb") as file:
        writer.write(file)
    return Path(path)
