"""A one-page PDF made without any PDF library, for the demo's reading that has one."""

from __future__ import annotations


def one_page_pdf(title: str, lines: list[str]) -> bytes:
    """An A4 page with ``title`` in bold and ``lines`` below it, in the standard
    Helvetica every PDF reader has (Latin-1 text only)."""

    def text(value: str) -> str:
        value = value.replace("–", "-").replace("—", "-").replace("’", "'")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = [f"BT /F2 16 Tf 72 770 Td ({text(title)}) Tj ET"]
    for n, line in enumerate(lines):
        body.append(f"BT /F1 11 Tf 72 {740 - 16 * n} Td ({text(line)}) Tj ET")
    stream = "\n".join(body).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
