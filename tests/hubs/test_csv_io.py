"""Staff move the directory in and out as a council spreadsheet (CSV)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hubs.models import Attribute, Language, Location, Organisation, Schedule, Service
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent

from ..factories import (
    AddressFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "directory-import-sample.csv"


def _upload(content: bytes | str, name: str = "directory.csv") -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _post(client: Client, content: bytes | str, mode: str, name: str = "directory.csv"):  # type: ignore[no-untyped-def]
    return client.post(reverse("hubs-staff:import"), {"file": _upload(content, name), "mode": mode})


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        Service.objects.count(),
        Location.objects.count(),
        Schedule.objects.count(),
        Attribute.objects.count(),
        Language.objects.count(),
    )


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


# --- Import --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident", "org_editor", "outsider"])
def test_only_staff_may_import_or_export(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("hubs-staff:import")).status_code == 403
    assert _post(client, SAMPLE.read_text(), "import").status_code == 403
    assert client.get(reverse("hubs-staff:export")).status_code == 403
    assert Service.objects.count() == 0


def test_checking_a_good_file_writes_nothing(staff_client: Client) -> None:
    before = _counts()
    response = _post(staff_client, SAMPLE.read_text(), "check")
    assert response.status_code == 200
    assert "3 services are ready to import" in response.content.decode()
    assert _counts() == before


def test_the_default_is_to_check(staff_client: Client) -> None:
    page = staff_client.get(reverse("hubs-staff:import")).content.decode()
    assert 'value="check" checked' in page


def test_a_check_lists_every_error_with_row_and_column_and_writes_nothing(
    staff_client: Client,
) -> None:
    header = SAMPLE.read_text().splitlines()[0]
    rows = [
        # row 2: no organisation, an unknown category, a bad postcode
        ",,Pantry,Food,,groceries,,Hall,1 Road,NOT A POSTCODE,,,,,,,,,,,,",
        # row 3: bad email, days without times, min age above max age
        ",Org,Club,Fun,,,,Hall,1 Road,LU1 3JF,,MO,,,,not-an-email,,,,30,10,",
        # row 4: fine
        ",Org,Good Service,Help,,food,,,,,,,,,,,,,,,,",
        # row 5: same service as row 4
        ",org,good service,Help,,,,,,,,,,,,,,,,,,",
    ]
    before = _counts()
    response = _post(staff_client, "\n".join([header, *rows]), "import")
    assert response.status_code == 400
    page = response.content.decode()
    assert _counts() == before
    table = page[page.index('id="import-problems"') :]
    expected = [
        ("2", "organisation", "Enter the organisation"),
        ("2", "categories", "“groceries” is not one of our categories"),
        ("2", "postcode", "Enter a real postcode"),
        ("3", "opens", "Enter the opening and closing times"),
        ("3", "email", "Enter an email address"),
        ("3", "max_age", "The maximum age must be"),
        ("5", "service_name", "This service is also in row 4"),
    ]
    for row, column, message in expected:
        assert f'<td class="govuk-table__cell">{row}</td>' in table
        assert f'<td class="govuk-table__cell">{column}</td>' in table
        assert message in table
    assert "The file has" in page and "problems" in page


def test_a_good_import_writes_everything_and_a_reimport_changes_nothing(
    staff_client: Client, staff: User
) -> None:
    response = _post(staff_client, SAMPLE.read_text(), "import")
    assert response.status_code == 200
    assert "3 new, 0 updated, 0 unchanged" in response.content.decode()

    pantry = Service.objects.get(name="Marsh Farm Pantry")
    assert pantry.organisation.name == "Marsh Farm Community Pantry"
    assert pantry.cost == "pay-as-you-can"
    assert {a.taxonomy_term.slug for a in pantry.attributes.all()} == {"food", "food-first"}
    (sal,) = pantry.service_at_locations.all()
    assert sal.location.name == "Marsh Farm Futures"
    assert sal.location.addresses.get().postal_code == "LU3 3RG"
    (session,) = Schedule.objects.filter(service_at_location=sal)
    assert (session.byday, str(session.opens_at), str(session.closes_at)) == (
        "TU,TH",
        "10:00:00",
        "13:00:00",
    )
    assert sorted(pantry.languages.values_list("code", flat=True)) == ["en", "ur"]
    assert pantry.phones.get().number == "01582 000111"
    advice = Service.objects.get(name="Drop-in advice for people seeking asylum")
    assert advice.minimum_age == 18 and advice.service_at_locations.count() == 0
    assert AuditEvent.objects.filter(verb="service.imported", actor=staff).count() == 3

    counts = _counts()
    modified = dict(Service.objects.values_list("pk", "last_modified"))
    events = AuditEvent.objects.count()
    again = _post(staff_client, SAMPLE.read_text(), "import")
    assert "0 new, 0 updated, 3 unchanged" in again.content.decode()
    assert _counts() == counts
    assert dict(Service.objects.values_list("pk", "last_modified")) == modified
    assert AuditEvent.objects.count() == events


def test_an_import_matches_by_uuid_and_updates_only_what_changed(staff_client: Client) -> None:
    _post(staff_client, SAMPLE.read_text(), "import")
    pantry = Service.objects.get(name="Marsh Farm Pantry")
    export = b"".join(staff_client.get(reverse("hubs-staff:export")).streaming_content).decode()
    edited = export.replace("Marsh Farm Pantry", "Marsh Farm Food Pantry").replace(
        "10:00,13:00", "10:30,13:00"
    )
    response = _post(staff_client, edited, "import")
    assert "0 new, 1 updated, 2 unchanged" in response.content.decode()
    pantry.refresh_from_db()
    assert pantry.name == "Marsh Farm Food Pantry"
    assert Service.objects.count() == 3
    assert str(Schedule.objects.get(service=pantry).opens_at) == "10:30:00"


def test_a_row_that_fails_to_write_leaves_nothing_written(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubs.services import csv_io

    real = csv_io._import_place
    calls = {"n": 0}

    def fail_on_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(csv_io, "_import_place", fail_on_second)
    before = _counts()
    with pytest.raises(RuntimeError):
        _post(staff_client, SAMPLE.read_text(), "import")
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("organisation,service_name\nA,B".encode("utf-16"), "x.csv", "not saved as UTF-8"),
        (b"\xff\xfe\x00garbage", "x.csv", "not saved as UTF-8"),
        (b"a,b,c", "x.xlsx", "must be a CSV file"),
        (b"organisation,service_name\nA,B", "x.csv", "is missing"),
        (b"x" * (2 * 1024 * 1024 + 1), "x.csv", "smaller than 2 MB"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    staff_client: Client, content: bytes, name: str, message: str
) -> None:
    response = _post(staff_client, content, "import", name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Service.objects.count() == 0


def test_too_many_rows_are_refused(staff_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from hubs.services import csv_io

    monkeypatch.setattr(csv_io, "MAX_ROWS", 2)
    response = _post(staff_client, SAMPLE.read_text(), "check")
    assert response.status_code == 400
    assert "more than 2 rows" in response.content.decode()


def test_no_file_is_an_error_summary(staff_client: Client) -> None:
    response = staff_client.post(reverse("hubs-staff:import"), {"mode": "check"})
    assert response.status_code == 400
    assert "Select a CSV file" in response.content.decode()


# --- Export --------------------------------------------------------------------------------


def _export_rows(client: Client) -> list[dict[str, str]]:
    response = client.get(reverse("hubs-staff:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_every_listed_service_and_neutralises_formulas(staff_client: Client) -> None:
    food = ServiceFactory(name="Food Bank", summary="=cmd|' /C calc'!A0")
    tag(food, "category", "food")
    sal = ServiceAtLocationFactory(service=food)
    AddressFactory(location=sal.location, postal_code="LU2 0DD")
    ScheduleFactory(service_at_location=sal, byday="MO,TH")
    ServiceFactory(name="Closed For Good", status=Service.Status.DEFUNCT)

    rows = _export_rows(staff_client)
    assert [row["service_name"] for row in rows] == ["Food Bank"]
    (row,) = rows
    assert row["summary"] == "'=cmd|' /C calc'!A0"
    assert row["categories"] == "food"
    assert (row["days"], row["opens"], row["closes"], row["postcode"]) == (
        "MO,TH",
        "10:00",
        "14:00",
        "LU2 0DD",
    )
    assert row["uuid"] == str(food.uuid)


@pytest.mark.parametrize("size", [2, 12])
def test_the_export_takes_the_same_queries_at_any_size(
    staff_client: Client, django_assert_num_queries, size: int
) -> None:
    for _ in range(size):
        service = ServiceFactory()
        tag(service, "category", "food")
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service))
    staff_client.get(reverse("hubs-staff:import"))
    # session, user, groups, MFA, permissions (2); then services and one query per prefetch
    with django_assert_num_queries(13):
        _export_rows(staff_client)
