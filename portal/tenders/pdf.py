"""The tender's PDF: a stand-in that the WeasyPrint renderer replaces.

Publishing calls `render_tender_pdf(tender)` and freezes the bytes it returns; until the real renderer arrives
this writes a one-page PDF naming the tender, so that publishing, versions and their SHA-256 work end to end.
"""


class TenderTooLarge(Exception):
    """The tender is too large to render; the message says what to shorten. (The stand-in never raises it.)"""


def _escape(text):
    """`text` as a PDF string in the standard fonts' encoding: what they cannot print becomes "?"."""
    printable = text.encode("latin-1", "replace").decode("latin-1")
    return printable.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_tender_pdf(tender) -> bytes:
    """A minimal PDF of the tender: its title and ocid on one page."""
    lines = [tender.title, tender.ocid or "", f"Procedure: {tender.procedure}"]
    text = "".join(f"({_escape(line)}) Tj 0 -24 Td " for line in lines if line)
    stream = f"BT /F1 14 Tf 72 760 Td {text}ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
