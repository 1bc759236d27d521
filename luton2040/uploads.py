"""Uploaded files: what the portal accepts, decided from the bytes, never the name or browser.

Each app keeps its own list of the extensions it accepts (taskforce evidence, consultation
documents) and its own size setting; the checks themselves live here, once. An upload is
accepted only when all of these hold:

- it is no larger than the app's limit, and not empty;
- its extension is one the app accepts, and its bytes are that kind of file: the type
  ``filetype`` (pure Python) finds in its first bytes for PDFs and images, the parts that make
  a ZIP a document for office files. A program renamed ``.pdf`` starts with ``MZ`` or
  ``\\x7fELF`` and is turned away whatever it is called;
- archives are refused: a plain ZIP, 7z, RAR, gzip or tar file is not any accepted type, and a
  ZIP is an office document only when it holds that document's main part (``word/document.xml``
  for .docx, an OpenDocument ``mimetype`` for .odt) and no macros (``vbaProject.bin``);
- CSV and plain text have no magic bytes: they must decode as UTF-8, hold no NUL byte and not
  look like HTML, SVG, XML or script, which a browser might run if it ever sniffed the file.
  No accepted type is itself HTML, SVG, XML or JavaScript.

Uploads are stored under random names and served only by views that send them as attachments
with the type found here (``SERVED_TYPES``), ``nosniff`` and a sandboxing CSP
(tests/platform/test_uploads.py checks each one). Nothing serves MEDIA_URL.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Every type an uploaded file may ever be served as: extension -> Content-Type. No HTML, SVG,
# XML or JavaScript, whatever an app asks for.
SERVED_TYPES = {
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

# Binary formats: what filetype calls a file with this extension.
_DETECTED = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "gif": "gif",
    "webp": "webp",
}
_TEXT = {"csv", "txt"}
# The member that makes a ZIP this kind of Office document.
_OOXML_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# OpenDocument: a small "mimetype" member naming the document type.
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

_MISMATCH = _("The selected file's contents do not match its name: it is not a real .%(ext)s file")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: its bytes, the type to serve and a safe name."""

    data: bytes
    content_type: str
    original_name: str


def served_types(*extensions: str) -> dict[str, str]:
    """An app's accepted extensions with the Content-Type each is served as."""
    return {extension: SERVED_TYPES[extension] for extension in extensions}


def accept_attribute(accepted: Mapping[str, str]) -> str:
    """The file input's ``accept`` attribute (a hint to the browser only: the bytes decide)."""
    return ",".join(f".{extension}" for extension in accepted)


def safe_file_name(name: str) -> str:
    """The uploader's file name with its folders and anything but plain ASCII letters, digits,
    dots, dashes, underscores and spaces taken out: safe in a Content-Disposition header."""
    base = PurePath(name.replace("\\", "/")).name
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", stem).strip(" ._") or "file"
    extension = _UNSAFE_NAME_CHARACTERS.sub("", extension).lower()
    return f"{stem[:150]}.{extension}" if extension else stem[:150]


def _too_big(limit: int) -> ValidationError:
    return ValidationError(
        _("The selected file must be smaller than %(limit)s"),
        code="too_big",
        params={"limit": filesizeformat(limit)},
    )


def upload_check(
    upload: IO[bytes],
    *,
    name: str,
    size: int | None,
    accepted: Mapping[str, str],
    max_bytes: int,
    wrong_type_message: str | StrPromise,
) -> CheckedUpload:
    """Check an upload (see the module docstring) against an app's accepted extensions
    (``served_types(...)``) and size limit. Returns it with its served type, or raises
    ValidationError with a message for the person uploading it."""
    if size is not None and size > max_bytes:
        raise _too_big(max_bytes)
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in accepted or extension not in SERVED_TYPES:
        raise ValidationError(wrong_type_message, code="wrong_type")
    upload.seek(0)
    data = upload.read(max_bytes + 1)  # one byte over is enough to know it is too big
    if len(data) > max_bytes:
        raise _too_big(max_bytes)  # even when the declared size lied
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
    return CheckedUpload(
        data=data, content_type=SERVED_TYPES[extension], original_name=safe_file_name(name)
    )


def _check_text(data: bytes, extension: str) -> None:
    # Any detectable binary format (an archive, an image, a PDF) is not text.
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
    mismatch = ValidationError(_MISMATCH, code="mismatch", params={"ext": extension})
    if not data.startswith(b"PK\x03\x04"):
        raise mismatch
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
                raise ValidationError(
                    _("The selected file contains macros. Save it without macros and try again"),
                    code="macros",
                )
            if extension in _OOXML_PART:
                # Any other ZIP, however it is named, is an archive: refused.
                if _OOXML_PART[extension] not in names:
                    raise mismatch
                return
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            if info is None or info.file_size > 100:  # read only a small, named member
                raise mismatch
            if archive.read(info).strip() != _ODF_MIMETYPE[extension]:
                raise mismatch
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise mismatch from None
