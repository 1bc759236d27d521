"""Evidence files: what we accept, decided from the bytes, never from the name or the browser.

An upload is accepted only when all of these hold:

- it is no larger than TASKFORCE_EVIDENCE_MAX_BYTES;
- its extension is one we accept, and the type detected from its first bytes (``filetype``,
  pure Python) is that extension's type: a Windows or Linux program renamed ``.pdf`` starts
  with ``MZ`` or ``\\x7fELF`` and is turned away whatever it is called;
- office documents are ZIP files: the ZIP must hold the part that makes it that document
  (``word/document.xml`` for .docx, an OpenDocument ``mimetype`` for .odt) and no macros
  (``vbaProject.bin``); any other archive is refused;
- CSV and plain text have no magic bytes: they must decode as UTF-8, hold no NUL byte and not
  look like HTML, SVG or script, which a browser might run if it ever sniffed the file.

The file is stored under a random name (``Evidence.file``'s upload_to) and served only by
``taskforce:evidence-download`` as an attachment with the type found here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# extension -> the Content-Type we serve it with
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
ACCEPTED_EXTENSIONS = tuple(CONTENT_TYPES)
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ACCEPTED_EXTENSIONS)

# Binary formats: what filetype calls the type of a file with this extension.
_DETECTED = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "gif": "gif",
    "webp": "webp",
}
_TEXT = {"csv", "txt"}
# ZIP-based office files: the member that makes a ZIP this kind of document.
_OOXML_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# Programs, whatever they are called: Windows (MZ), Linux (ELF), macOS (Mach-O), scripts (#!).
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Text a browser would treat as a page or a script if it ever sniffed the file.
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|meta|link|style|\?xml|\?php)"
    rb"|javascript:",
    re.IGNORECASE,
)
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._ -]+")

_WRONG_TYPE = _(
    "The selected file must be a PDF, image (PNG, JPEG, GIF or WebP), Word, Excel, "
    "PowerPoint, OpenDocument, CSV or plain text file"
)
_MISMATCH = _("The selected file's contents do not match its name: it is not a real .%(ext)s file")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its bytes, the type to serve and a safe name."""

    data: bytes
    content_type: str
    original_name: str


def safe_file_name(name: str) -> str:
    """The uploader's file name with its folders and anything but plain ASCII letters, digits,
    dots, dashes, underscores and spaces taken out: safe in a Content-Disposition header."""
    base = PurePath(name.replace("\\", "/")).name
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", stem).strip(" ._") or "evidence"
    extension = _UNSAFE_NAME_CHARACTERS.sub("", extension).lower()
    return f"{stem[:150]}.{extension}" if extension else stem[:150]


def evidence_file_check(upload: IO[bytes], *, name: str, size: int | None = None) -> CheckedFile:
    """Check an uploaded file (see the module docstring) and return it with its served type, or
    raise ValidationError with a message for the person uploading it."""
    limit = settings.TASKFORCE_EVIDENCE_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            _("The selected file must be smaller than %(limit)s"),
            code="too_big",
            params={"limit": filesizeformat(limit)},
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise ValidationError(_WRONG_TYPE, code="wrong_type")
    upload.seek(0)
    data = upload.read(limit + 1)  # one byte over is enough to know it is too big
    if len(data) > limit:
        raise ValidationError(
            _("The selected file must be smaller than %(limit)s"),
            code="too_big",
            params={"limit": filesizeformat(limit)},
        )
    if not data:
        raise ValidationError(_("The selected file is empty"), code="empty")
    if data.startswith(_EXECUTABLE_MAGIC):
        raise ValidationError(_MISMATCH, code="executable", params={"ext": extension})

    if extension in _TEXT:
        _check_text(data, extension)
    elif extension in _OOXML_PART or extension in _ODF_MIMETYPE:
        _check_office(data, extension)
    else:
        detected = filetype.guess(data)
        if detected is None or detected.extension != _DETECTED[extension]:
            raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
    return CheckedFile(
        data=data, content_type=CONTENT_TYPES[extension], original_name=safe_file_name(name)
    )


def _check_text(data: bytes, extension: str) -> None:
    if b"\x00" in data or filetype.guess(data) is not None:
        raise ValidationError(_MISMATCH, code="binary", params={"ext": extension})
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The selected file must be saved as UTF-8 text (in Excel: CSV UTF-8)"),
            code="not_utf8",
        ) from None
    if _MARKUP.search(data):
        raise ValidationError(
            _("The selected file looks like a web page or script, not a .%(ext)s file"),
            code="markup",
            params={"ext": extension},
        )


def _check_office(data: bytes, extension: str) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
                raise ValidationError(
                    _("The selected file contains macros. Save it without macros and try again"),
                    code="macros",
                )
            if extension in _OOXML_PART:
                if _OOXML_PART[extension] not in names:
                    raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
                return
            # OpenDocument: the first member is "mimetype", stored, naming the document type.
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            if info is None or info.file_size > 100:
                raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
            if archive.read(info).strip() != _ODF_MIMETYPE[extension]:
                raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise ValidationError(_MISMATCH, code="mismatch", params={"ext": extension}) from None
