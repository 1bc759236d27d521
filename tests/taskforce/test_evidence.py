"""Evidence uploads: accepted by their bytes, refused when the bytes and the name disagree, and
served only through the download view with safe headers to people who may see them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luton2040.audit.models import AuditEvent
from taskforce.models import Evidence
from taskforce.services.actions import EvidenceInput, update_post
from taskforce.services.evidence import evidence_file_check

from ..factories import ActionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
CSV = "ward,residents\nBiscot,120\nSaints,98\nSouth,“quoted”\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _check(data: bytes, name: str) -> str:
    return evidence_file_check(io.BytesIO(data), name=name, size=len(data)).content_type


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "minutes.pdf", "application/pdf"),
        (PNG, "photo.PNG", "image/png"),
        (CSV, "figures.csv", "text/csv; charset=utf-8"),
        (
            DOCX,
            "plan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"Notes from the meeting.\n", "notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_good_files_are_accepted(data, name, content_type):
    assert _check(data, name) == content_type


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (EXE, "report.pdf", "executable"),
        (ELF, "report.pdf", "executable"),
        (PNG, "report.pdf", "mismatch"),  # a real PNG, but called .pdf
        (PDF, "virus.exe", "wrong_type"),
        (_zip({"report.pdf": PDF}), "report.pdf", "mismatch"),  # an archive
        (_zip({"report.pdf": PDF}), "report.docx", "mismatch"),  # a zip that is not a document
        (
            _zip({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"macro"}),
            "plan.docx",
            "macros",
        ),
        (b"<html><script>alert(1)</script></html>", "figures.csv", "markup"),
        (b"ward,count\n<svg onload=alert(1)>", "figures.csv", "markup"),
        (b"a,b\n\x00\x01", "figures.csv", "binary"),
        ("café".encode("latin-1"), "figures.csv", "not_utf8"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_bad_files_are_refused(data, name, code):
    with pytest.raises(ValidationError) as refused:
        _check(data, name)
    assert refused.value.code == code


def test_oversize_is_refused(settings):
    settings.TASKFORCE_EVIDENCE_MAX_BYTES = 100
    data = PDF + b"0" * 200
    with pytest.raises(ValidationError) as refused:
        _check(data, "big.pdf")
    assert refused.value.code == "too_big"
    # Even when the declared size lies.
    with pytest.raises(ValidationError):
        evidence_file_check(io.BytesIO(data), name="big.pdf", size=10)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client, action, upload, title="Minutes"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("taskforce:update-create", kwargs={"reference": action.reference}),
        {
            "body": "We met.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-title": title,
            "evidence-0-file": upload,
        },
    )


def test_upload_through_the_form_is_stored_under_a_random_name(client, taskforce_member, media):
    action = ActionFactory(lead_member=taskforce_member)
    client.force_login(taskforce_member)
    response = _post(client, action, SimpleUploadedFile("March minutes (final).pdf", PDF))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "March minutes _final.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert "minutes" not in evidence.file.name
    assert evidence.file.name.startswith("taskforce/evidence/")
    assert AuditEvent.objects.filter(verb="evidence.added").exists()


def test_renamed_executable_is_refused_by_the_form(client, taskforce_member, media):
    action = ActionFactory(lead_member=taskforce_member)
    client.force_login(taskforce_member)
    response = _post(client, action, SimpleUploadedFile("report.pdf", EXE))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "do not match its name" in page
    assert "We met." in page  # what was typed is kept
    assert not Evidence.objects.exists()
    assert not list(media.rglob("*.*"))


def _status(client, url: str) -> int:  # type: ignore[no-untyped-def]
    response = client.get(url)
    _close_file(response)
    return response.status_code


def _close_file(response) -> None:  # type: ignore[no-untyped-def]
    # A FileResponse holds its file open; response.close() would also end the test's
    # database connection (request_finished), so close only the file.
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    for close in getattr(response, "_resource_closers", []):
        close()


def _file_evidence(action, by, data=PDF, name='Minutes "v2".pdf'):  # type: ignore[no-untyped-def]
    update_post(
        action=action,
        by=by,
        body="Minutes attached.",
        evidence=[
            EvidenceInput(
                title="Minutes", file=io.BytesIO(data), file_name=name, file_size=len(data)
            )
        ],
    )
    return Evidence.objects.get()


def test_download_headers_are_exact(client, taskforce_lead, media):
    action = ActionFactory(lead_member=taskforce_lead)
    evidence = _file_evidence(action, taskforce_lead)
    response = client.get(reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    _close_file(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Minutes _v2.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private"


def test_media_is_not_served(client, taskforce_lead, media):
    action = ActionFactory(lead_member=taskforce_lead)
    evidence = _file_evidence(action, taskforce_lead)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


@pytest.mark.parametrize("persona", [None, "resident", "outsider"])
def test_internal_actions_evidence_is_hidden_from_the_public(
    client, request, persona, taskforce_lead, taskforce_member, media
):
    action = ActionFactory(lead_member=taskforce_lead, visibility="internal")
    evidence = _file_evidence(action, taskforce_lead)
    url = reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk})
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert _status(client, url) == 404
    client.force_login(taskforce_member)
    assert _status(client, url) == 200


def test_unpublished_updates_evidence_is_hidden_until_published(
    client, taskforce_member, resident, media
):
    action = ActionFactory(lead_member=taskforce_member)
    evidence = _file_evidence(action, taskforce_member)  # a member's update waits for review
    url = reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk})
    client.force_login(resident)
    assert _status(client, url) == 404
    client.force_login(taskforce_member)  # its author may check what they sent
    assert _status(client, url) == 200
