"""Starting designs for new templates: a plain landscape A4 certificate per kind.

The texts are the certificate's own content, which is Chinese whatever the organiser's interface
language (they are data the organiser edits, not interface strings).
"""

from certificates.models import CertificateKind

_FOOTER = [
    {"text": "{contest}组委会", "x": 235, "y": 168, "size": 14},
    {"text": "{date}", "x": 235, "y": 178, "size": 12},
    {
        "text": "证书编号：{certificate_no}　查验码：{code}",
        "x": 20,
        "y": 195,
        "size": 9,
        "align": "left",
    },
]

DEFAULT_BLOCKS = {
    CertificateKind.WORK_AWARD: [
        {"text": "荣誉证书", "x": 148.5, "y": 42, "size": 40, "bold": True},
        {"text": "{name}", "x": 148.5, "y": 72, "size": 26, "bold": True, "max_width": 230},
        {"text": "{institution}", "x": 148.5, "y": 84, "size": 14, "max_width": 230},
        {
            "text": "作品《{work_title}》在{contest}（{category}）中荣获",
            "x": 148.5,
            "y": 104,
            "size": 16,
            "max_width": 250,
        },
        {"text": "{award}", "x": 148.5, "y": 124, "size": 30, "bold": True},
        {"text": "特发此证，以资鼓励。", "x": 148.5, "y": 142, "size": 14},
        *_FOOTER,
    ],
    CertificateKind.SUPERVISOR: [
        {"text": "荣誉证书", "x": 148.5, "y": 42, "size": 40, "bold": True},
        {"text": "{name} 老师", "x": 148.5, "y": 72, "size": 26, "bold": True, "max_width": 230},
        {"text": "{institution}", "x": 148.5, "y": 84, "size": 14, "max_width": 230},
        {
            "text": "指导学生{co_authors}的作品《{work_title}》在{contest}中荣获{award}，",
            "x": 148.5,
            "y": 104,
            "size": 16,
            "max_width": 250,
        },
        {"text": "被评为优秀指导教师。", "x": 148.5, "y": 118, "size": 16},
        {"text": "特发此证，以资鼓励。", "x": 148.5, "y": 142, "size": 14},
        *_FOOTER,
    ],
    CertificateKind.ORGANISATION: [
        {"text": "荣誉证书", "x": 148.5, "y": 42, "size": 40, "bold": True},
        {"text": "{name}", "x": 148.5, "y": 76, "size": 26, "bold": True, "max_width": 230},
        {"text": "在{contest}中荣获", "x": 148.5, "y": 100, "size": 16, "max_width": 250},
        {"text": "{award}", "x": 148.5, "y": 122, "size": 30, "bold": True},
        {"text": "特发此证，以资鼓励。", "x": 148.5, "y": 142, "size": 14},
        *_FOOTER,
    ],
}

DEFAULT_POSITIONS = {
    "qr_x": 20,
    "qr_y": 158,
    "qr_size": 25,
    "seal_x": 215,
    "seal_y": 140,
    "seal_size": 40,
    "signature_x": 150,
    "signature_y": 160,
    "signature_width": 40,
}

# Values for the browser preview of a template: a rare name character included.
SAMPLE_FIELDS = {
    "name": "刘䶮",
    "co_authors": "张三、李四",
    "supervisor": "王老师",
    "institution": "北京师范大学附属实验中学",
    "work_title": "勾股定理的证明",
    "award": "一等奖",
    "category": "初中·数学·教师组",
    "date": "2026年1月1日",
    "certificate_no": "2026-SAMPLE-00001",
    "code": "SAMPLE",
}
