"""Council staff's consultation pages: who may use them, writing a consultation (dates in
London time, bad input kept and explained), publishing, and documents checked by their bytes."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Consultation, ConsultationDocument
from engagement.services.consultations import document_add
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward
from taskforce.models import PopulationGroup

from ..factories import ConsultationFactory, QuestionFactory, ResponseFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Consultation.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


def _text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid form for a new consultation."""
    data: dict[str, Any] = {
        "title": "Bus routes in south Luton",
        "slug": "",
        "summary": "Tell us which routes matter most.",
        "description": "We are reviewing the routes.\n\nThis is why.",
        "wards": [Ward.objects.get(slug="south").pk],
        "topics": ["transport"],
        "groups": [PopulationGroup.objects.order_by("position").first().pk],  # type: ignore[union-attr]
        "opens_on_day": "1",
        "opens_on_month": "6",
        "opens_on_year": "2026",
        "opens_time": "09:00",
        "closes_on_day": "30",
        "closes_on_month": "6",
        "closes_on_year": "2026",
        "closes_time": "23:59",
        "one_response_per_person": "on",
        "allow_save_and_return": "on",
        "ask_equality_questions": "on",
        "contact_email": "buses@luton.gov.uk.example",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may use the staff pages -------------------------------------------------------------

STAFF_PAGES = [
    ("engagement-staff:consultation-list", False),
    ("engagement-staff:consultation-create", False),
    ("engagement-staff:consultation-detail", True),
    ("engagement-staff:consultation-edit", True),
    ("engagement-staff:consultation-publish", True),
    ("engagement-staff:documents", True),
]


GET_ONLY = ("engagement-staff:consultation-list", "engagement-staff:consultation-detail")


def _url(name: str, needs_slug: bool, consultation: Consultation) -> str:
    return reverse(name, kwargs={"slug": consultation.slug} if needs_slug else None)


@pytest.mark.parametrize(("name", "needs_slug"), STAFF_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client: Client, name: str, needs_slug: bool) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT)
    response = client.get(_url(name, needs_slug, consultation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "needs_slug"), STAFF_PAGES)
@pytest.mark.parametrize("persona", ["resident", "outsider", "taskforce_lead", "org_editor"])
def test_people_who_are_not_council_staff_are_refused(
    client: Client, request: pytest.FixtureRequest, persona: str, name: str, needs_slug: bool
) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(name, needs_slug, consultation)).status_code == 403
    if name not in GET_ONLY:
        assert client.post(_url(name, needs_slug, consultation), _form()).status_code == 403
    assert Consultation.objects.count() == 1


@pytest.mark.parametrize(("name", "needs_slug"), STAFF_PAGES)
def test_staff_without_two_factor_are_sent_to_set_it_up(
    client: Client, staff_without_mfa: User, name: str, needs_slug: bool
) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT)
    client.force_login(staff_without_mfa)
    response = client.get(_url(name, needs_slug, consultation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize(("name", "needs_slug"), STAFF_PAGES)
def test_staff_with_two_factor_see_every_page(
    client: Client, staff: User, name: str, needs_slug: bool
) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT, published_at=None)
    client.force_login(staff)
    assert client.get(_url(name, needs_slug, consultation)).status_code == 200


def test_a_missing_consultation_is_404_for_staff(client: Client, staff: User) -> None:
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-detail", kwargs={"slug": "no-such-thing"})
    assert client.get(url).status_code == 404


def test_the_overview_links_to_everything_staff_do_with_a_consultation(
    client: Client, staff: User
) -> None:
    consultation = ConsultationFactory(status=Status.OPEN)
    ResponseFactory(consultation=consultation)
    ResponseFactory(consultation=consultation, status="in-progress")
    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:consultation-detail", args=[consultation.slug]))
    )
    slug = {"slug": consultation.slug}
    for name in (
        "engagement-staff:consultation-edit",
        "engagement-staff:documents",
        "engagement-staff:survey",
        "engagement-staff:who-is-responding",
        "engagement-staff:results",
        "engagement-staff:responses-csv",
        "engagement-staff:outcome-edit",
    ):
        assert f'href="{reverse(name, kwargs=slug)}"' in page, name
    assert f'href="{reverse("engagement:hub-desk")}"' in page
    assert f'href="{consultation.get_absolute_url()}"' in page
    # One response sent; the one still being written does not count.
    assert '<dt class="govuk-summary-list__key">Responses sent</dt>' in page
    assert '<dd class="govuk-summary-list__value">1</dd>' in page


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_status_dates_and_sent_responses_and_filters_by_status(
    client: Client, staff: User
) -> None:
    open_one = ConsultationFactory(title="Open one", status=Status.OPEN)
    for _ in range(3):
        ResponseFactory(consultation=open_one)
    ConsultationFactory(title="A draft", status=Status.DRAFT, published_at=None)
    client.force_login(staff)
    page = _text(client.get(reverse("engagement-staff:consultation-list")))
    assert "Open one" in page and "A draft" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page

    filtered = _text(client.get(reverse("engagement-staff:consultation-list") + "?status=draft"))
    assert "A draft" in filtered and "Open one" not in filtered
    assert "Status: Draft" in filtered  # the selected-filter tag


@pytest.mark.parametrize("count", [2, 8])
def test_the_staff_list_costs_the_same_queries_however_many_rows(
    client: Client, staff: User, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        consultation = ConsultationFactory()
        ResponseFactory(consultation=consultation)
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-list")
    client.get(url)  # warm the session
    # session, user, the user's groups (staff role), their authenticator (asked by the /staff/
    # gate and again by the rule), the count, the page of consultations with their counts
    with django_assert_num_queries(6):
        response = client.get(url)
    assert _text(response).count('<tr class="govuk-table__row">') == count + 1  # and the head


# --- Writing a consultation ------------------------------------------------------------------


def test_staff_create_a_draft_with_london_times_and_a_slug_from_the_title(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    response = client.post(reverse("engagement-staff:consultation-create"), _form())
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "engagement-staff:consultation-detail", args=["bus-routes-in-south-luton"]
    )
    assert consultation.slug == "bus-routes-in-south-luton"
    assert consultation.status == Status.DRAFT
    assert consultation.created_by == staff
    # 23:59 on 30 June in Luton is British Summer Time: 22:59 UTC.
    assert consultation.closes_at == datetime.datetime(2026, 6, 30, 22, 59, tzinfo=datetime.UTC)
    assert consultation.opens_at == datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    assert [ward.slug for ward in consultation.wards.all()] == ["south"]
    assert consultation.topics == ["transport"]
    assert consultation.groups.count() == 1
    assert consultation.one_response_per_person and not consultation.allow_anonymous
    assert AuditEvent.objects.get(verb="consultation.created").actor == staff


def test_a_winter_closing_time_is_stored_as_gmt(client: Client, staff: User) -> None:
    client.force_login(staff)
    client.post(
        reverse("engagement-staff:consultation-create"),
        _form(opens_on_month="11", closes_on_day="15", closes_on_month="12"),
    )
    assert Consultation.objects.get().closes_at == datetime.datetime(
        2026, 12, 15, 23, 59, tzinfo=datetime.UTC
    )


def test_a_second_consultation_with_the_same_title_gets_its_own_web_address(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    client.post(reverse("engagement-staff:consultation-create"), _form())
    client.post(reverse("engagement-staff:consultation-create"), _form())
    assert sorted(Consultation.objects.values_list("slug", flat=True)) == [
        "bus-routes-in-south-luton",
        "bus-routes-in-south-luton-2",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title"),
        (
            {"opens_on_day": "", "opens_on_month": "", "opens_on_year": ""},
            "Enter the date it opens",
        ),
        ({"closes_on_month": ""}, "The date it closes must include a month"),
        ({"closes_on_day": "31", "closes_on_month": "2"}, "The date it closes must be a real date"),
        ({"closes_on_year": "26"}, "must be a real date, with a 4-digit year"),
        ({"closes_time": "25:00"}, "Enter the time it closes as a time on the 24-hour clock"),
        ({"closes_on_month": "5"}, "The consultation must close after it opens"),
        (
            {"opens_on_day": "29", "opens_on_month": "3", "opens_time": "01:30"},
            "The clocks go forward at 1am on that day, so there is no 01:30",
        ),
        (
            {"allow_anonymous": "on", "one_response_per_person": "on"},
            "You cannot have both anonymous responses and one response per person",
        ),
        ({"slug": "Not A Slug!"}, "The web address must only use lower-case letters"),
        ({"slug": "new"}, "That web address is reserved"),
        ({"contact_email": "buses at luton"}, "Enter an email address in the correct format"),
    ],
)
def test_bad_input_is_explained_and_kept(
    client: Client, staff: User, overrides: dict[str, Any], message: str
) -> None:
    client.force_login(staff)
    response = client.post(reverse("engagement-staff:consultation-create"), _form(**overrides))
    page = _text(response).replace("&#x27;", "'")
    assert response.status_code == 400
    assert message in page
    assert 'class="govuk-error-summary"' in page
    assert "<title>Error:" in page
    # What was typed is still there.
    assert 'value="Tell us which routes matter most.' in page or (
        "Tell us which routes matter most." in page
    )
    assert 'value="buses' in page
    assert Consultation.objects.count() == 0


def test_the_date_error_links_to_the_day_box_and_keeps_what_was_typed(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    page = _text(
        client.post(
            reverse("engagement-staff:consultation-create"),
            _form(closes_on_day="31", closes_on_month="Feb"),
        )
    )
    assert '<a href="#id_closes_on_0">The date it closes must be a real date</a>' in page
    assert (
        'id="id_closes_on_0" name="closes_on_day" type="text" inputmode="numeric" value="31"'
        in (page)
    )
    assert 'name="closes_on_month" type="text" inputmode="numeric" value="Feb"' in page


def test_a_month_may_be_typed_as_a_word(client: Client, staff: User) -> None:
    client.force_login(staff)
    client.post(reverse("engagement-staff:consultation-create"), _form(closes_on_month="July"))
    assert timezone.localdate(Consultation.objects.get().closes_at) == datetime.date(2026, 7, 30)


def test_a_web_address_already_used_is_refused(client: Client, staff: User) -> None:
    ConsultationFactory(slug="bus-routes")
    client.force_login(staff)
    response = client.post(
        reverse("engagement-staff:consultation-create"), _form(slug="bus-routes")
    )
    assert response.status_code == 400
    assert "Another consultation already uses that web address" in _text(response)


def test_editing_a_draft_changes_everything_and_is_audited(client: Client, staff: User) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT, published_at=None, slug="old")
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-edit", args=["old"])
    assert 'value="old"' in _text(client.get(url))
    response = client.post(
        url, _form(slug="new-address", allow_anonymous="on", one_response_per_person=None)
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.slug == "new-address"
    assert consultation.allow_anonymous and not consultation.one_response_per_person
    event = AuditEvent.objects.get(verb="consultation.edited")
    assert event.changes["slug"] == {"from": "old", "to": "new-address"}


def test_an_open_consultation_keeps_its_address_opening_and_response_rules(
    client: Client, staff: User
) -> None:
    consultation = ConsultationFactory(status=Status.OPEN, slug="open-one")
    before = (consultation.opens_at, consultation.allow_anonymous)
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-edit", args=["open-one"])
    page = _text(client.get(url))
    assert 'name="opens_on_day"' not in page and 'name="slug"' not in page
    assert "Some details cannot change now the consultation is open" in page
    later = timezone.localtime(timezone.now() + datetime.timedelta(weeks=6))
    response = client.post(
        url,
        _form(
            slug="sneaky",
            allow_anonymous="on",
            one_response_per_person=None,
            closes_on_day=str(later.day),
            closes_on_month=str(later.month),
            closes_on_year=str(later.year),
        ),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.slug == "open-one"
    assert (consultation.opens_at, consultation.allow_anonymous) == before
    assert consultation.one_response_per_person
    assert timezone.localdate(consultation.closes_at) == later.date()


def test_an_open_consultation_cannot_be_given_a_closing_date_in_the_past(
    client: Client, staff: User
) -> None:
    consultation = ConsultationFactory(status=Status.OPEN)
    client.force_login(staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("engagement-staff:consultation-edit", args=[consultation.slug]),
        _form(
            closes_on_day=str(yesterday.day),
            closes_on_month=str(yesterday.month),
            closes_on_year=str(yesterday.year),
        ),
    )
    assert response.status_code == 400
    assert "the new closing date must be in the future" in _text(response)


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_without_a_question_is_refused_with_a_clear_message(
    client: Client, staff: User
) -> None:
    consultation = ConsultationFactory(status=Status.DRAFT, published_at=None)
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-publish", args=[consultation.slug])
    response = client.post(url)
    assert response.status_code == 400
    assert "Add at least one question to the survey before you publish" in _text(response)
    assert _text(response).count("<title>Error:") == 1
    consultation.refresh_from_db()
    assert consultation.status == Status.DRAFT and consultation.published_at is None
    assert not AuditEvent.objects.filter(verb="consultation.published").exists()


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "becomes"),
    [
        (datetime.timedelta(days=3), datetime.timedelta(weeks=4), Status.FORTHCOMING),
        (datetime.timedelta(days=-1), datetime.timedelta(weeks=4), Status.OPEN),
        (datetime.timedelta(days=-30), datetime.timedelta(days=-2), Status.CLOSED),
    ],
)
def test_publishing_puts_it_where_its_dates_say(
    client: Client,
    staff: User,
    opens_in: datetime.timedelta,
    closes_in: datetime.timedelta,
    becomes: str,
) -> None:
    now = timezone.now()
    consultation = ConsultationFactory(
        status=Status.DRAFT, published_at=None, opens_at=now + opens_in, closes_at=now + closes_in
    )
    QuestionFactory(section__consultation=consultation)
    client.force_login(staff)
    url = reverse("engagement-staff:consultation-publish", args=[consultation.slug])
    assert "Publish this consultation?" in _text(client.get(url))
    response = client.post(url)
    assert response["Location"] == reverse(
        "engagement-staff:consultation-detail", args=[consultation.slug]
    )
    consultation.refresh_from_db()
    assert consultation.status == becomes
    assert consultation.published_at is not None
    event = AuditEvent.objects.get(verb="consultation.published")
    assert event.actor == staff and event.changes == {"status": becomes}
    # A second click changes nothing.
    client.post(url)
    assert AuditEvent.objects.filter(verb="consultation.published").count() == 1


# --- Documents -------------------------------------------------------------------------------


def _upload(
    client: Client, consultation: Consultation, data: bytes, name: str, **extra: Any
) -> Any:
    return client.post(
        reverse("engagement-staff:documents", args=[consultation.slug]),
        {
            "title": "The proposal",
            "kind": "main",
            "language": "",
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "proposal.pdf", "application/pdf"),
        (
            DOCX,
            "proposal.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ODS, "figures.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_a_real_document_is_stored_under_a_random_name(
    client: Client, staff: User, data: bytes, name: str, content_type: str
) -> None:
    consultation = ConsultationFactory()
    client.force_login(staff)
    response = _upload(client, consultation, data, name)
    assert response.status_code == 302
    document = ConsultationDocument.objects.get()
    assert document.content_type == content_type
    assert document.original_name == name and document.size == len(data)
    stored = document.file.name
    assert stored.startswith("engagement/documents/") and name not in stored
    assert len(stored.rsplit("/", 1)[-1]) == 32  # a uuid4 hex, nothing of the uploader's name
    assert AuditEvent.objects.get(verb="consultation_document.added").actor == staff


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "proposal.pdf", "it is not a real .pdf file"),
        (EXE, "proposal.pdf", "it is not a real .pdf file"),
        (PDF, "proposal.docx", "it is not a real .docx file"),
        (_zip({"proposal.pdf": PDF}), "proposal.docx", "it is not a real .docx file"),
        (
            _zip({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"macro"}),
            "proposal.docx",
            "contains macros",
        ),
        (PDF, "proposal.html", "must be a PDF, Word (.docx), OpenDocument"),
        (b"<html><script>alert(1)</script></html>", "proposal.pdf", "not a real .pdf file"),
    ],
)
def test_a_file_whose_bytes_do_not_match_is_refused(
    client: Client, staff: User, data: bytes, name: str, message: str
) -> None:
    consultation = ConsultationFactory()
    client.force_login(staff)
    response = _upload(client, consultation, data, name)
    assert response.status_code == 400
    page = _text(response).replace("&#x27;", "'")
    assert message in page
    assert 'value="The proposal"' in page  # the title is kept
    assert not ConsultationDocument.objects.exists()


def test_an_oversized_file_is_refused(client: Client, staff: User, settings: Any) -> None:
    settings.ENGAGEMENT_DOCUMENT_MAX_BYTES = 40
    consultation = ConsultationFactory()
    client.force_login(staff)
    response = _upload(client, consultation, PDF, "proposal.pdf")
    assert response.status_code == 400
    assert "The selected file must be smaller than 40\xa0bytes" in _text(response)
    assert not ConsultationDocument.objects.exists()


def test_a_translation_needs_its_language(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    client.force_login(staff)
    response = _upload(client, consultation, PDF, "proposal.pdf", kind="translation")
    assert response.status_code == 400
    assert "Enter the language of the translation" in _text(response)


def test_removing_a_document_deletes_it_and_its_file(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = ConsultationFactory()
    document = document_add(
        consultation=consultation,
        by=staff,
        title="The proposal",
        upload=io.BytesIO(PDF),
        file_name="proposal.pdf",
    )
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    client.force_login(staff)
    url = reverse("engagement-staff:document-remove", args=[consultation.slug, document.pk])
    assert "Remove this document?" in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not ConsultationDocument.objects.exists()
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(verb="consultation_document.removed").count() == 1


def test_a_document_of_another_consultation_cannot_be_removed_through_this_one(
    client: Client, staff: User
) -> None:
    mine, other = ConsultationFactory(), ConsultationFactory()
    document = document_add(
        consultation=other, by=staff, title="Theirs", upload=io.BytesIO(PDF), file_name="a.pdf"
    )
    client.force_login(staff)
    url = reverse("engagement-staff:document-remove", args=[mine.slug, document.pk])
    assert client.post(url).status_code == 404
    assert ConsultationDocument.objects.filter(pk=document.pk).exists()


# --- The admin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "consultation",
        "consultationdocument",
        "section",
        "question",
        "questionoption",
        "answertag",
        "populationshare",
        "consultationoutcome",
        "outcomedecision",
        "assembly",
        "assemblysession",
        "stratificationfeature",
        "featurecategory",
        "recommendation",
    ],
)
def test_every_engagement_model_is_in_the_admin(client: Client, staff: User, model: str) -> None:
    client.force_login(staff)
    assert client.get(reverse(f"admin:engagement_{model}_changelist")).status_code == 200


@pytest.mark.parametrize(
    "model",
    ["response", "answer", "equalitymonitoring", "outcomerequest", "volunteer", "selectionrun"],
)
def test_personal_data_is_read_only_in_the_admin(client: Client, db: None, model: str) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from ..factories import UserFactory

    superuser = UserFactory(email="root@luton.gov.uk.example", is_superuser=True, roles=[])
    TOTP.activate(superuser, generate_totp_secret())
    client.force_login(superuser)
    changelist = _text(client.get(reverse(f"admin:engagement_{model}_changelist")))
    assert reverse(f"admin:engagement_{model}_add") not in changelist
    assert client.get(reverse(f"admin:engagement_{model}_add")).status_code == 403


def test_a_response_in_the_admin_cannot_be_changed_or_deleted(client: Client, db: None) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from ..factories import UserFactory

    response = ResponseFactory()
    superuser = UserFactory(email="root@luton.gov.uk.example", is_superuser=True, roles=[])
    TOTP.activate(superuser, generate_totp_secret())
    client.force_login(superuser)
    change = reverse("admin:engagement_response_change", args=[response.pk])
    page = _text(client.get(change))
    assert 'name="_save"' not in page
    assert response.respondent.email not in page  # who responded is not shown
    assert client.post(change, {"status": "in-progress"}).status_code == 403
    delete = reverse("admin:engagement_response_delete", args=[response.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response.refresh_from_db()
    assert response.status == "submitted"


def test_the_service_itself_refuses_a_locked_change(staff: User) -> None:
    """Not only the form: a caller that skips it cannot move an open consultation's opening."""
    from engagement.services.consultations import WorkflowError, consultation_update

    consultation = ConsultationFactory(status=Status.OPEN)
    with pytest.raises(WorkflowError, match="cannot change now the consultation is open"):
        consultation_update(
            consultation=consultation,
            by=staff,
            changes={"opens_at": consultation.opens_at - datetime.timedelta(days=1)},
        )
    assert not AuditEvent.objects.filter(verb="consultation.edited").exists()
