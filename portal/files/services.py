"""Storing uploads safely and sending them back.

What a file is comes from its content, never from its name or the type the browser declared: the
`filetype` library reads the signature of binary formats, and text is text when all of it is UTF-8 with no
control characters. Accepted are the formats people exchange in a co-creation project: PDF; PNG, JPEG,
GIF and WebP images; Word, Excel and PowerPoint files (DOCX, XLSX, PPTX) and their OpenDocument
counterparts (ODT, ODS, ODP); plain text, CSV and Markdown. ZIP archives are refused: the check could not
see what is inside one, so a member should upload the files themselves. Web pages (HTML, SVG, XML) are
refused even when they are text, since a browser would run what they hold. A file's name must end in an
extension of the type its content has, so that a program renamed `.pdf` is refused rather than stored.

Files are written to a temporary name beside their final place in `<instance>/uploads/` and renamed
into place (atomic on one file system) under a random name: nothing a user typed reaches the path. A file
written in a transaction that rolls back is removed again.
"""
import codecs
import hashlib
import io
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

import filetype
from flask import current_app, request, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..extensions import db
from .models import NAME_MAX, StoredFile

CHUNK = 64 * 1024
HEAD = 8192  # what `filetype` reads of a file

# Detected content type -> (label for messages, extensions a name of that type may end in).
BINARY_TYPES = {
    "application/pdf": (_l("a PDF document"), (".pdf",)),
    "image/png": (_l("a PNG image"), (".png",)),
    "image/jpeg": (_l("a JPEG image"), (".jpg", ".jpeg")),
    "image/gif": (_l("a GIF image"), (".gif",)),
    "image/webp": (_l("a WebP image"), (".webp",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (_l("a Word document"), (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (_l("an Excel spreadsheet"), (".xlsx",)),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        _l("a PowerPoint presentation"), (".pptx",)),
    "application/vnd.oasis.opendocument.text": (_l("an OpenDocument text"), (".odt",)),
    "application/vnd.oasis.opendocument.spreadsheet": (_l("an OpenDocument spreadsheet"), (".ods",)),
    "application/vnd.oasis.opendocument.presentation": (_l("an OpenDocument presentation"), (".odp",)),
}
# Text has no signature: its name's extension chooses among these once the content proved to be text.
TEXT_TYPES = {
    ".txt": "text/plain", ".text": "text/plain", ".csv": "text/csv", ".md": "text/markdown",
    ".markdown": "text/markdown",
}
TEXT_LABEL = _l("plain text")
# The opening of text a browser would treat as a page or an image with scripts.
MARKUP_OPENINGS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<meta")
# Control characters a text file does not hold (tab, line feed, form feed and carriage return it may).
TEXT_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\f\r") | {"\x7f"}
# Named for people in refusals; anything else is named by its content type.
REFUSED_LABELS = {
    "application/x-msdownload": _l("a Windows program"),
    "application/x-executable": _l("a program"),
    "application/x-elf": _l("a program"),
    "application/x-mach-binary": _l("a program"),
    "application/x-sh": _l("a shell script"),
}


def accepted_formats():
    """The accepted formats for the upload form's hint."""
    return "PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX, ODT, ODS, ODP, TXT, CSV, Markdown"


def max_upload_bytes():
    return current_app.config["MAX_UPLOAD_BYTES"]


def megabytes(size):
    """`size` bytes as a number of megabytes for people (one decimal below 10)."""
    value = size / (1024 * 1024)
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def allow_upload_body():
    """Let this request's body be as large as an upload and a form's worth of fields, if it is a multipart form.

    Call it before the form is read (a blueprint's `url_value_preprocessor` runs before every other hook).
    Other pages keep Flask's MAX_CONTENT_LENGTH, and a body beyond either limit gets the 413 page before
    any of it is read.
    """
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        request.max_content_length = max_upload_bytes() + 1024 * 1024


def upload_folder():
    """<instance>/uploads, created when first needed."""
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_of(stored_file):
    return upload_folder() / stored_file.storage_name


def clean_name(name):
    """The last part of an uploaded file's name, in NFC, without control or invisible format characters."""
    name = name or ""
    name = PureWindowsPath(PurePosixPath(name).name).name  # browsers used to send whole paths
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip().strip(".")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:NAME_MAX - len(extension) - 1] + dot + extension) if dot and len(extension) < 10 \
            else name[:NAME_MAX]
    return name


def extension_of(name):
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if len(suffix) > 1 else ""


class _Reading:
    """What streaming an upload to disk learnt: size, digest, its opening bytes, whether it is UTF-8 text."""

    def __init__(self):
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = b""
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.is_text = True
        self.text_start = ""

    def add(self, chunk):
        self.size += len(chunk)
        self.digest.update(chunk)
        if len(self.head) < HEAD:
            self.head += chunk[:HEAD - len(self.head)]
        if self.is_text:
            self._read_text(chunk, final=False)

    def finish(self):
        if self.is_text:
            self._read_text(b"", final=True)

    def _read_text(self, chunk, final):
        try:
            text = self.decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self.is_text = False
            return
        if TEXT_CONTROLS.intersection(text):
            self.is_text = False
        elif len(self.text_start) < 512:
            self.text_start += text[:512]


def _refuse(message):
    raise Invalid({"file": message})


def _content_type(reading, name):
    """The content type the content proves, or Invalid saying why the file is refused."""
    kind = filetype.guess(reading.head)
    if kind is not None and kind.mime in BINARY_TYPES:
        label, extensions = BINARY_TYPES[kind.mime]
        mime = kind.mime
    elif reading.is_text:
        opening = reading.text_start.lstrip("\ufeff \t\r\n\f").lower()
        if opening.startswith(MARKUP_OPENINGS):
            _refuse(_l("This file is a web page or markup (HTML, SVG or XML), whatever its name says. "
                       "Such files are not accepted, since a browser would run what they hold."))
        label, extensions = TEXT_LABEL, tuple(TEXT_TYPES)
        mime = TEXT_TYPES.get(extension_of(name), "text/plain")
    elif kind is not None and kind.mime == "application/zip":
        _refuse(_l("This file is a ZIP archive. Archives are not accepted, since their content cannot be checked: "
                   "upload the files in it one by one."))
    elif kind is not None:
        what = REFUSED_LABELS.get(kind.mime) or _l("of the type %(type)s", type=kind.mime)
        _refuse(_l("This file is %(what)s, whatever its name says, and is not accepted here. Accepted are: "
                   "%(formats)s.", what=what, formats=accepted_formats()))
    else:
        _refuse(_l("The type of this file could not be recognised from its content, so it is not accepted. "
                   "Accepted are: %(formats)s.", formats=accepted_formats()))
    extension = extension_of(name)
    if not extension:
        _refuse(_l("This file's content is %(label)s, but its name has no extension. Rename it to end in "
                   "%(wanted)s.", label=label, wanted=" ".join(extensions)))
    if extension not in extensions:
        _refuse(_l("This file's content is %(label)s, but its name ends in “%(extension)s”. Files are checked "
                   "by their content: if it really is %(label)s, rename it to end in %(wanted)s.",
                   label=label, extension=extension, wanted=" ".join(extensions)))
    return mime


def _upload_name(upload):
    """The cleaned name of an upload; Invalid on "file" when there is no file or no name."""
    if upload is None or not getattr(upload, "filename", None):
        _refuse(_l("Choose a file to upload."))
    name = clean_name(upload.filename)
    if not name or not PurePosixPath(name).stem:
        _refuse(_l("The file needs a name."))
    return name


def _read_checked(upload, name, write):
    """Read the upload once, in chunks, passing each to `write`: at most the size cap plus one byte is read.

    Returns what was learnt and the content type its content proves, or Invalid on "file" saying why the
    file is refused (too large, empty, a type not on the allow-list, a name that lies about the type).
    """
    cap = max_upload_bytes()
    reading = _Reading()
    while chunk := upload.stream.read(CHUNK):
        reading.add(chunk)
        if reading.size > cap:
            _refuse(_l("The file is larger than %(limit)s, the most this site accepts.", limit=human_size(cap)))
        write(chunk)
    reading.finish()
    if reading.size == 0:
        _refuse(_l("The file is empty."))
    return reading, _content_type(reading, name)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the same checks as a stored file, held in memory for whoever keeps it otherwise."""

    name: str
    content_type: str
    data: bytes
    sha256: str


def check(upload):
    """Check an upload as `store` does (name, size cap, content type) without keeping it: a CheckedUpload, or
    Invalid on "file". Sealed bids encrypt the bytes before anything reaches the disk."""
    name = _upload_name(upload)
    chunks = []
    reading, content_type = _read_checked(upload, name, chunks.append)
    return CheckedUpload(name, content_type, b"".join(chunks), reading.digest.hexdigest())


def store(upload, uploader):
    """Check and keep an upload (a Werkzeug FileStorage); the new StoredFile, flushed, or Invalid on "file".

    The upload is streamed into a temporary file beside its final place, checked, then renamed into place.
    """
    name = _upload_name(upload)
    storage_name, (reading, content_type) = _written(lambda out: _read_checked(upload, name, out.write))
    return _stored_file(name, content_type, reading.size, reading.digest.hexdigest(), storage_name, uploader)


def store_bytes(data, name, content_type, uploader):
    """Keep bytes the portal made itself (a rendered PDF) where uploads are kept, as a StoredFile added to the
    session, not flushed: the record that holds it is flushed with it.

    No check of the content: the portal knows what it wrote. `name` is what a download is called.
    """
    if not data:
        raise ValueError("no bytes to store")
    storage_name, _written_size = _written(lambda out: out.write(data))
    return _stored_file(clean_name(name), content_type, len(data), hashlib.sha256(data).hexdigest(), storage_name,
                        uploader, flush=False)


def _written(write):
    """A new file under a random name where uploads are kept: `write(out)` fills a temporary file beside it,
    which is synced and then renamed into place (and removed if this transaction rolls back).
    Returns the storage name and what `write` returned."""
    storage_name = secrets.token_hex(16)
    temporary = upload_folder() / f".{storage_name}.part"
    try:
        with open(temporary, "xb") as out:
            result = write(out)
            out.flush()
            os.fsync(out.fileno())
        final = temporary.parent / storage_name
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    remove_on_rollback(final)
    return storage_name, result


def _stored_file(name, content_type, size, sha256, storage_name, uploader, flush=True):
    stored = StoredFile(original_name=name, content_type=content_type, size=size, sha256=sha256,
                        storage_name=storage_name, uploaded_by=uploader)
    db.session.add(stored)
    if flush:
        db.session.flush()
    return stored


def send(stored_file):
    """The file as a download: an attachment under its original name (RFC 6266 `filename*` for any name
    beyond ASCII), with its detected type, never sniffed and never run as a page."""
    return _send(path_of(stored_file), stored_file.original_name, stored_file.content_type, stored_file.sha256)


def send_data(data, name, content_type, sha256):
    """Bytes held in memory (a sealed bid's file, once opened) sent as `send` sends a stored file."""
    return _send(io.BytesIO(data), name, content_type, sha256)


def _send(source, name, content_type, etag):
    response = send_file(source, mimetype=content_type, as_attachment=True, download_name=name, etag=etag,
                         max_age=0, conditional=True)
    if not name.isascii():
        # Werkzeug sends the name as RFC 6266 `filename*` (UTF-8) and, for clients that only read `filename`,
        # its ASCII letters; a Hangul name has none, so those clients get "file" and the extension instead.
        fallback = " ".join(unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().split())
        stem, dot, _extension = fallback.rpartition(".")
        if not (stem if dot else fallback).strip(" ._-"):
            fallback = "file" + extension_of(name)
        response.headers.set("Content-Disposition", "attachment", filename=fallback,
                             **{"filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")})
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def discard(stored_file):
    """Delete the stored file's row now and its bytes once the transaction commits (a rollback keeps both).

    The record that held it (an attachment) must be deleted in the same transaction.
    """
    remove_on_commit(path_of(stored_file))
    db.session.delete(stored_file)


# ---------------------------------------------------------------- a rolled-back upload leaves no file behind

def remove_on_rollback(path):
    """A file just written for this transaction: removed again if the transaction rolls back."""
    db.session.info.setdefault("stored_file_paths", []).append(path)


def remove_on_commit(path):
    """A file this transaction no longer needs: removed once it commits, kept if it rolls back."""
    db.session.info.setdefault("discarded_file_paths", []).append(path)


# SQLAlchemy sends these events for savepoints too; only the outermost transaction's end decides. (A file
# stored inside a savepoint that was rolled back stays until the transaction ends: kept, it is only unused.)
@event.listens_for(Session, "after_commit")
def _keep_files(session):
    if session.in_nested_transaction():
        return
    session.info.pop("stored_file_paths", None)
    for path in session.info.pop("discarded_file_paths", ()):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _remove_files(session):
    if session.in_nested_transaction():
        return
    session.info.pop("discarded_file_paths", None)
    for path in session.info.pop("stored_file_paths", ()):
        Path(path).unlink(missing_ok=True)


def human_size(size):
    """A file size for people: bytes, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{megabytes(size)} MB"


def format_name(content_type):
    """A stored type's short name for people, such as PDF or XLSX."""
    if content_type in BINARY_TYPES:
        return BINARY_TYPES[content_type][1][0].lstrip(".").upper()
    return {"text/csv": "CSV", "text/markdown": "Markdown"}.get(content_type, "TXT")
