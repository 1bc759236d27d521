"""Evidence files: which kinds the taskforce accepts, and how large.

The checks themselves (bytes, not names; no archives, programs, macros, web pages or scripts)
are the platform's, in ``luton2040.uploads``. The file is stored under a random name
(``Evidence.file``'s upload_to) and served only by ``taskforce:evidence-download`` as an
attachment with the type found there.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from luton2040.uploads import CheckedUpload, accept_attribute, served_types, upload_check

# extension -> the Content-Type we serve it with
CONTENT_TYPES = served_types(
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt"
)
ACCEPTED_EXTENSIONS = tuple(CONTENT_TYPES)
ACCEPT_ATTRIBUTE = accept_attribute(CONTENT_TYPES)

_WRONG_TYPE = _(
    "The selected file must be a PDF, image (PNG, JPEG, GIF or WebP), Word, Excel, "
    "PowerPoint, OpenDocument, CSV or plain text file"
)


def evidence_file_check(upload: IO[bytes], *, name: str, size: int | None = None) -> CheckedUpload:
    """Check an uploaded evidence file (see ``luton2040.uploads``) and return it with its served
    type, or raise ValidationError with a message for the person uploading it."""
    return upload_check(
        upload,
        name=name,
        size=size,
        accepted=CONTENT_TYPES,
        max_bytes=settings.TASKFORCE_EVIDENCE_MAX_BYTES,
        wrong_type_message=_WRONG_TYPE,
    )
