"""2,000 certificates with QR codes, against a bare reportlab page drawing the same text.

Builds a scratch SQLite database with one contest, a landscape A4 template (background picture,
seal, signature, the default text blocks) and N issued certificates whose snapshots name two
authors each (a rare name character included), then times, in turn:

- bare: one reportlab canvas, the same TrueType font, each page drawing the same filled-in texts
  with drawCentredString — no QR code, no images, no database;
- merged: `write_merged` — the batch task's merged PDF: certificates read in chunks, texts
  filled and checked for glyphs, static layer once, a QR code per page, one canvas;
- zip: `write_zip` — the batch task's ZIP: one PDF (own font subset, own images) per certificate.

Reports the median of 3 runs of each as pages per second, by the wall clock (goal for merged:
≥ 150) and by this process's CPU time (steadier on a shared machine), and the ratios to bare.
Run from the project root:

    .venv/bin/python benchmarks/bench_certificates.py [--certificates 2000]

About a minute, most of it migrating the scratch database.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 3
GOAL = 150


def configure(directory: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{directory}/bench.sqlite3",
        PRIVATE_MEDIA_ROOT=f"{directory}/private",
        HUEY_FILENAME=f"{directory}/huey.sqlite3",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _image(fmt: str, size, color) -> BytesIO:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA" if fmt == "PNG" else "RGB", size, color)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 40):  # some texture, so the image does not compress to nothing
        draw.line([(i, 0), (size[0] - i, size[1])], fill=(180, 140, 60), width=3)
    buffer = BytesIO()
    image.save(buffer, fmt)
    buffer.seek(0)
    buffer.size = len(buffer.getvalue())
    buffer.chunks = lambda: [buffer.getvalue()]
    return buffer


def seed(count: int) -> list[int]:
    from django.utils import timezone

    from certificates.models import Certificate, CertificateKind
    from certificates.services.templates import template_create, template_set_image
    from contest.models import Contest, User

    contest = Contest.objects.create(title="全国中小学教师微课大赛", slug="bench", year=2026)
    organiser = User.objects.create_user("o@bench.example.cn", None, real_name="组织者")
    template = template_create(contest=contest, kind=CertificateKind.WORK_AWARD)
    template_set_image(
        template=template, slot="background", upload=_image("JPEG", (1754, 1240), (250, 244, 228))
    )
    template_set_image(
        template=template, slot="seal", upload=_image("PNG", (300, 300), (200, 30, 30, 160))
    )
    template_set_image(
        template=template, slot="signature", upload=_image("PNG", (400, 200), (0, 0, 0, 0))
    )
    now = timezone.now()
    names = ["刘䶮", "欧阳燚", "张犇", "王喆", "李珺", "陈淼"]
    rows = []
    for i in range(1, count + 1):
        holder = names[i % len(names)] + str(i)
        fields = {
            "name": holder,
            "co_authors": names[(i + 1) % len(names)],
            "institution": f"杭州市第{i % 90 + 1}中学",
            "work_title": f"勾股定理的证明与应用（第{i}讲）",
            "award": ["一等奖", "二等奖", "三等奖"][i % 3],
            "category": "初中·数学·教师组",
            "contest": contest.title,
            "date": "2026年11月28日",
        }
        rows.append(
            Certificate(
                contest=contest,
                template=template,
                kind=CertificateKind.WORK_AWARD,
                subject=f"w{i}:tier:e",
                holder=holder,
                fields=fields,
                seq=i,
                number=f"2026-bench-{i:05d}",
                code=f"code{i:012d}",
                issued_at=now,
                issued_by=organiser,
            )
        )
    Certificate.objects.bulk_create(rows, batch_size=500)
    return list(Certificate.objects.order_by("seq").values_list("pk", flat=True))


def bare(ids: list[int]) -> tuple[float, float]:
    """The same texts, same font, on one canvas: what drawing text alone costs."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from certificates.models import Certificate
    from certificates.services.fields import fill
    from certificates.services.templates import fonts

    rows = list(Certificate.objects.filter(pk__in=ids).select_related("template"))
    template = rows[0].template
    font = fonts().main
    pages = [
        [
            (b, fill(b["text"], {**c.fields, "certificate_no": c.number, "code": c.code}))
            for b in template.blocks
        ]
        for c in rows
    ]
    started = time.perf_counter(), time.process_time()
    canvas = Canvas(BytesIO(), pagesize=(297 * mm, 210 * mm))
    for page in pages:
        for block, text in page:
            canvas.setFont(font, block["size"])
            canvas.drawCentredString(block["x"] * mm, (210 - block["y"]) * mm, text)
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - started[0], time.process_time() - started[1]


def ours(ids: list[int], writer, path: Path) -> tuple[tuple[float, float], int]:
    """Time a batch writer into a file, as the background task does: (wall, CPU), size."""
    started = time.perf_counter(), time.process_time()
    with open(path, "wb") as out:
        writer(ids, out, lambda done, total: None)
    spent = time.perf_counter() - started[0], time.process_time() - started[1]
    return spent, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        configure(directory)
        from certificates.services.rendering import write_merged, write_zip
        from certificates.services.templates import fonts

        ids = seed(args.certificates)
        fonts()  # registering the 13 MB font once per process is not part of a batch
        times = {"bare": [], "merged": [], "zip": []}
        sizes = {}
        for _ in range(RUNS):
            times["bare"].append(bare(ids))
            seconds, sizes["merged"] = ours(ids, write_merged, Path(directory, "all.pdf"))
            times["merged"].append(seconds)
            seconds, sizes["zip"] = ours(ids, write_zip, Path(directory, "all.zip"))
            times["zip"].append(seconds)
        n = len(ids)
        wall = {k: statistics.median(t[0] for t in v) for k, v in times.items()}
        cpu = {k: statistics.median(t[1] for t in v) for k, v in times.items()}
        print(f"{n} certificates, median of {RUNS} runs (wall clock; CPU time of this process)")
        head = ("seconds", "pages/s", "× bare", "CPU p/s", "× bare", "MB")
        print(f"{'':8} " + " ".join(f"{h:>8}" for h in head))
        for name in ("bare", "merged", "zip"):
            size = f"{sizes[name] / 2**20:6.1f}" if name in sizes else f"{'':>6}"
            print(
                f"{name:8} {wall[name]:8.2f} {n / wall[name]:8.0f} {wall[name] / wall['bare']:8.1f}"
                f" {n / cpu[name]:8.0f} {cpu[name] / cpu['bare']:8.1f} {size:>8}"
            )
        rate = n / wall["merged"]
        verdict = "met" if rate >= GOAL else "NOT met"
        print(f"merged PDF: {rate:.0f} pages/s — goal ≥ {GOAL}: {verdict}")


if __name__ == "__main__":
    main()
