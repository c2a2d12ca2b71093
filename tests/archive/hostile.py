"""Hostile and broken files, made byte by byte the way damaged archives hold them."""
from __future__ import annotations

import zlib
from pathlib import Path

from reportlab.pdfgen import canvas

from tests.pdfs import register_font, write_pdf


def raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes, compress: bool = False) -> bytes:
    extra = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def many_pages(path: Path, count: int) -> Path:
    """`count` full pages sharing one content stream: a small file that takes minutes to read."""
    line = b"(" + b"abcdefgh " * 9 + b") Tj 0 -12 Td "
    content = b"BT /F1 10 Tf 40 760 Td " + line * 60 + b"ET"
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
                b" /Resources << /Font << /F1 4 0 R >> >> >>"] * count
    return raw_pdf(path, objects)


def decompression_bomb(path: Path, megabytes: int) -> Path:
    """One page whose content stream inflates from under a megabyte to `megabytes` MB."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _stream(packed, compress=True),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>",
    ]
    return raw_pdf(path, objects)


def deeply_nested(path: Path, depth: int) -> Path:
    """A page tree nested `depth` levels deep, one page at the bottom."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objects += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3) for level in range(depth)]
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (depth + 3))
    objects.append(_stream(b"BT 72 720 Td ET"))
    return raw_pdf(path, objects)


def encrypted(path: Path) -> Path:
    """A PDF that needs a password to open."""
    pdf = canvas.Canvas(str(path), encrypt="құпия")
    pdf.setFont(register_font(), 11)
    pdf.drawString(60, 770, "Құпия құжат.")
    pdf.save()
    return path


def truncated(path: Path, source_lines: list[list[str]]) -> Path:
    """A real PDF cut off a little after its first third, as an interrupted copy leaves it."""
    whole = write_pdf(path, source_lines).read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    return path
