"""Page images of known text, drawn with Pillow: what the OCR evaluation and the OCR tests read.

A page is laid out as an official document is (NĐ 30/2020): the two-column header block
(issuing body and number on the left, national motto and place-date on the right), the type
and summary centred, body paragraphs, a ruled table, and the signature block beside "Nơi nhận".
:func:`render` also gives the page's text as printed, line by line from the top; lines side
by side (the two columns of the header and of the signature block) read left to right, as
Tesseract reads them (it did so on every scan in the corpus).

The font must have every Vietnamese glyph: DejaVu Serif (Debian fonts-dejavu-core) or
Liberation Serif (fonts-liberation2), whichever is installed.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FONT_PACKAGE = "fonts-dejavu-core"
_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"),
)
A4 = (8.27, 11.69)  # inches


def find_font() -> tuple[str, str] | None:
    """(regular, bold) font files with every Vietnamese glyph, or None."""
    for regular, bold in _FONTS:
        if Path(regular).is_file():
            return regular, bold if Path(bold).is_file() else regular
    return None


@dataclass
class PageSpec:
    """What one page shows. Every field may be empty."""

    header_left: list[str] = field(default_factory=list)
    header_right: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


@dataclass
class Page:
    image: Any  # a PIL image (Pillow loads only when a page is drawn)
    text: str  # what is printed, in reading order


def _reading_order(items: list[tuple[int, int, str]], band: int) -> str:
    """Drawn lines (y, x, text) → text: lines whose tops are within ``band`` form one row."""
    rows: list[list[tuple[int, int, str]]] = []
    for item in sorted(items):
        if rows and item[0] - rows[-1][0][0] < band:
            rows[-1].append(item)
        else:
            rows.append([item])
    return "\n".join(" ".join(t for _y, _x, t in sorted(row, key=lambda i: i[1])) for row in rows)


def render(spec: PageSpec, dpi: int = 300, size_pt: float = 13.0) -> Page:
    """The page as a grayscale image at ``dpi`` (as wide as A4, as tall as its content) and its
    text."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = find_font()
    if fonts is None:
        raise RuntimeError(f"no font with Vietnamese glyphs: install {FONT_PACKAGE}")
    px = dpi / 72
    regular = ImageFont.truetype(fonts[0], round(size_pt * px))
    bold = ImageFont.truetype(fonts[1], round(size_pt * px))
    small_bold = ImageFont.truetype(fonts[1], round((size_pt - 1) * px))
    width = round(A4[0] * dpi)
    margin_l, margin_r, top = round(1.2 * dpi), round(0.8 * dpi), round(0.8 * dpi)
    line_h = round(size_pt * px * 1.45)
    page = Image.new("L", (width, round(2 * A4[1] * dpi)), 255)  # cropped to the content below
    draw = ImageDraw.Draw(page)
    text_w = width - margin_l - margin_r
    y = top
    items: list[tuple[int, int, str]] = []

    def put(x: float, y0: int, s: str, font) -> None:
        draw.text((x, y0), s, font=font, fill=0)
        items.append((y0, round(x), s))

    def text_width(s: str, font) -> float:
        return draw.textlength(s, font=font)

    def column(lines: list[str], x0: int, x1: int, y0: int, font) -> int:
        for line in lines:
            for part in _wrap(line, font, x1 - x0, text_width):
                put(x0 + (x1 - x0 - text_width(part, font)) / 2, y0, part, font)
                y0 += line_h
        return y0

    if spec.header_left or spec.header_right:
        split = margin_l + round(text_w * 0.36)
        y_left = column(spec.header_left, margin_l - round(0.5 * dpi), split, y, small_bold)
        y_right = column(spec.header_right, split + round(0.1 * dpi), width - margin_r + round(0.4 * dpi), y, small_bold)
        y = max(y_left, y_right) + line_h
    if spec.title:
        y = column(spec.title, margin_l, width - margin_r, y, bold) + line_h // 2
    for para in spec.paragraphs:
        for i, part in enumerate(_wrap(para, regular, text_w - round(0.4 * dpi), text_width)):
            put(margin_l + (round(0.4 * dpi) if i == 0 else 0), y, part, regular)
            y += line_h
    if spec.table:
        y += line_h // 2
        cols = len(spec.table[0])
        widths = [0.12, 0.58, 0.30][:cols] if cols <= 3 else [1 / cols] * cols
        xs = [margin_l]
        for w in widths:
            xs.append(xs[-1] + round(text_w * w / sum(widths)))
        for row in spec.table:
            cells = [_wrap(c, regular, xs[i + 1] - xs[i] - round(0.16 * dpi), text_width) for i, c in enumerate(row)]
            h = max(len(c) for c in cells) * line_h + round(0.1 * dpi)
            for i, cell in enumerate(cells):
                draw.rectangle([xs[i], y, xs[i + 1], y + h], outline=0, width=max(1, round(dpi / 150)))
                for j, part in enumerate(cell):
                    put(xs[i] + round(0.08 * dpi), y + round(0.05 * dpi) + j * line_h, part, regular)
            y += h
        y += line_h
    if spec.recipients or spec.signature:
        y += line_h // 2
        small = ImageFont.truetype(fonts[0], round((size_pt - 2) * px))
        yl = y
        for line in spec.recipients:
            put(margin_l, yl, line, small)
            yl += round(line_h * 0.85)
        yr = column(spec.signature[:2], margin_l + round(text_w * 0.5), width - margin_r, y, bold)
        # room for the signature and seal, then the name
        yr = column(spec.signature[2:], margin_l + round(text_w * 0.5), width - margin_r, yr + 3 * line_h, bold)
        y = max(yl, yr)
    return Page(page.crop((0, 0, width, min(page.height, y + top))), _reading_order(items, line_h // 2))


def _wrap(text: str, font, width: float, measure) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        cand = f"{line} {word}" if line else word
        if line and measure(cand, font) > width:
            lines.append(line)
            line = word
        else:
            line = cand
    if line:
        lines.append(line)
    return lines or [""]


def degrade(image, seed: int):
    """A scan's usual faults: a slight rotation (≤ 1.2°), blur, noise, JPEG compression."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    img = image.rotate(rnd.uniform(-1.2, 1.2), resample=Image.BICUBIC, expand=True, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.5, 0.9) * image.width / 2480))
    noise = Image.effect_noise(img.size, rnd.uniform(18, 28))
    img = Image.blend(img, noise, 0.12)
    img = img.point(lambda v: min(255, round(v * 1.06)))  # paper a little grey, not white
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=rnd.randint(45, 65))
    out.seek(0)
    return Image.open(out).convert("L")


def png_bytes(image, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def pdf_bytes(images: list, dpi: int) -> bytes:
    """An image-only PDF (a scan as a scanner saves it): each image one page, JPEG inside."""
    out = io.BytesIO()
    first, rest = images[0].convert("L"), [i.convert("L") for i in images[1:]]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return out.getvalue()
