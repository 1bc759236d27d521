"""The directory as a council spreadsheet: CSV export for staff, and CSV import with a check
that reports every problem before anything is written.

One row is one service, at (at most) one place, with (at most) one weekly session: the shape of
the spreadsheets council teams keep. The columns are documented in docs/directory-operations.md
and the export writes exactly the columns the import reads, so an exported file can be edited
and imported back; importing a file twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from luton2040 import audit
from luton2040.csv_export import FORMULA_STARTS, csv_lines
from luton2040.places.models import Ward
from luton2040.places.postcodes import InvalidPostcode, normalise_postcode

from ..models import (
    Address,
    Attribute,
    Language,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    from luton2040.accounts.models import User

COLUMNS = [
    "uuid",
    "organisation",
    "service_name",
    "summary",
    "description",
    "categories",
    "programmes",
    "location_name",
    "address",
    "postcode",
    "ward",
    "days",
    "opens",
    "closes",
    "phone",
    "email",
    "website",
    "referral",
    "cost",
    "min_age",
    "max_age",
    "languages",
]
# A file may leave out `uuid` (a first import from a spreadsheet that has never been exported).
REQUIRED_COLUMNS = [column for column in COLUMNS if column != "uuid"]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LIST_SPLIT = re.compile(r"[;,]")

# The languages most spoken in Luton (Census 2021), by name: a spreadsheet says "Urdu", the
# Open Referral record needs "ur". Codes are accepted too.
LANGUAGE_CODES = {
    "english": "en",
    "urdu": "ur",
    "punjabi": "pa",
    "bengali": "bn",
    "polish": "pl",
    "romanian": "ro",
    "arabic": "ar",
    "gujarati": "gu",
    "hindi": "hi",
    "portuguese": "pt",
    "somali": "so",
    "pashto": "ps",
    "kurdish": "ku",
    "persian": "fa",
    "farsi": "fa",
    "dari": "prs",
    "tigrinya": "ti",
    "french": "fr",
    "spanish": "es",
    "turkish": "tr",
    "lithuanian": "lt",
    "albanian": "sq",
    "ukrainian": "uk",
    "russian": "ru",
    "italian": "it",
    "tamil": "ta",
    "british sign language": "bfi",
}
LANGUAGE_NAMES = {code: name.title() for name, code in LANGUAGE_CODES.items() if name != "farsi"}


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the spreadsheet row (the header is row 1), column and message."""

    row: int
    column: str
    message: str


@dataclass
class ServiceRow:
    """One valid row, cleaned and with its references looked up."""

    row: int
    uuid: uuid.UUID | None
    organisation: str
    service_name: str
    summary: str
    description: str
    categories: list[TaxonomyTerm]
    programmes: list[TaxonomyTerm]
    location_name: str
    address: str
    postcode: str
    ward: Ward | None
    days: str
    opens: datetime.time | None
    closes: datetime.time | None
    phone: str
    email: str
    website: str
    referral: str
    cost: str
    min_age: int | None
    max_age: int | None
    languages: list[str]  # codes


@dataclass
class ImportCheck:
    """What checking a file found: the rows ready to write, and every problem."""

    rows: list[ServiceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# --- Export ----------------------------------------------------------------------------------


def export_services() -> QuerySet[Service]:
    """Every listed service with what the export shows, in a fixed number of queries per chunk."""
    return (
        Service.objects.listed()
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "attributes",
                queryset=Attribute.objects.select_related("taxonomy_term__taxonomy").order_by(
                    "taxonomy_term__slug"
                ),
            ),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__ward")
                .prefetch_related("location__addresses", "schedules")
                .order_by("pk"),
            ),
            Prefetch("phones", queryset=Phone.objects.order_by("pk")),
            Prefetch("languages", queryset=Language.objects.order_by("pk")),
        )
        .order_by("organisation__name", "name", "pk")
    )


def export_csv_lines(services: QuerySet[Service]) -> Iterator[str]:
    """The CSV file line by line, read from the database in chunks, with formula-like cells
    neutralised (a leading apostrophe), so a large export never sits in memory."""
    return csv_lines(
        COLUMNS, (_export_row(service) for service in services.iterator(chunk_size=500))
    )


def _terms(service: Service, kind: str) -> str:
    return "; ".join(
        a.taxonomy_term.slug
        for a in service.attributes.all()
        if a.taxonomy_term.taxonomy.kind == kind and a.link_type == kind
    )


def _export_row(service: Service) -> list[object]:
    sal = next(iter(service.service_at_locations.all()), None)
    location = sal.location if sal else None
    address = next(iter(location.addresses.all()), None) if location else None
    schedule = next(iter(sal.schedules.all()), None) if sal else None
    phone = next(iter(service.phones.all()), None)
    return [
        service.uuid,
        service.organisation.name,
        service.name,
        service.summary,
        service.description,
        _terms(service, "category"),
        _terms(service, "programme"),
        location.name if location else "",
        address.address_1 if address else "",
        address.postal_code if address else "",
        location.ward.name if location and location.ward else "",
        schedule.byday if schedule else "",
        schedule.opens_at.strftime("%H:%M") if schedule and schedule.opens_at else "",
        schedule.closes_at.strftime("%H:%M") if schedule and schedule.closes_at else "",
        phone.number if phone else "",
        service.email,
        service.url,
        service.referral,
        service.cost,
        "" if service.minimum_age is None else service.minimum_age,
        "" if service.maximum_age is None else service.maximum_age,
        "; ".join(language.name for language in service.languages.all()),
    ]


# --- Checking an upload ----------------------------------------------------------------------


def import_read(upload: UploadedFile) -> ImportCheck:
    """Read and check an uploaded CSV: size, encoding, header, every row. Writes nothing.
    Every problem is reported, so one upload shows the whole list to fix."""
    check = ImportCheck()
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        check.errors.append(RowError(0, "", _("The file must be smaller than 2 MB")))
        return check
    if not (upload.name or "").lower().endswith(".csv"):
        check.errors.append(RowError(0, "", _("The selected file must be a CSV file")))
        return check
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        check.errors.append(RowError(0, "", _("The file must be smaller than 2 MB")))
        return check
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        check.errors.append(
            RowError(
                0,
                "",
                _(
                    "The file is not saved as UTF-8. In your spreadsheet, choose "
                    "“Save as”, then “CSV UTF-8”"
                ),
            )
        )
        return check
    if "\x00" in text:
        check.errors.append(RowError(0, "", _("The selected file is not a CSV file")))
        return check
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        check.errors.append(RowError(0, "", _("The selected file is not a CSV file")))
        return check
    records = [record for record in records if any(cell.strip() for cell in record)]
    if not records:
        check.errors.append(RowError(0, "", _("The selected file is empty")))
        return check
    header = [cell.strip().lower() for cell in records[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    for column in missing:
        check.errors.append(RowError(1, column, _("The column “%s” is missing") % column))
    for column in unknown:
        check.errors.append(RowError(1, column, _("“%s” is not a column we know") % column))
    if len(set(header)) != len(header):
        check.errors.append(RowError(1, "", _("A column appears more than once")))
    if check.errors:
        return check
    body = records[1:]
    if len(body) > MAX_ROWS:
        check.errors.append(
            RowError(0, "", _("The file has more than %d rows. Split it into parts") % MAX_ROWS)
        )
        return check
    if not body:
        check.errors.append(RowError(0, "", _("The file has a header but no services")))
        return check
    dicts = [
        {
            column: _unneutralise(record[i]) if i < len(record) else ""
            for i, column in enumerate(header)
        }
        for record in body
    ]
    return _check_rows(dicts)


def _unneutralise(value: str) -> str:
    # The export writes "'=..." so spreadsheets show it as text; read it back as it was.
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _RowChecker:
    """Looks up every reference the file makes in a few queries, then checks rows one by one."""

    def __init__(self, records: list[dict[str, str]]) -> None:
        self.terms = {
            (term.taxonomy.kind, term.slug): term
            for term in TaxonomyTerm.objects.select_related("taxonomy").filter(
                taxonomy__kind__in=["category", "programme"]
            )
        }
        self.wards: dict[str, Ward] = {}
        for ward in Ward.objects.all():
            self.wards[ward.name.casefold()] = ward
            self.wards[ward.slug.casefold()] = ward
        wanted: set[uuid.UUID] = set()
        for record in records:
            with contextlib.suppress(ValueError):  # a bad id is reported by check()
                wanted.add(uuid.UUID(record.get("uuid", "")))
        self.known_uuids = set(
            Service.objects.filter(uuid__in=wanted).values_list("uuid", flat=True)
        )

    def check(self, row: int, record: dict[str, str], errors: list[RowError]) -> ServiceRow:
        def error(column: str, message: str) -> None:
            errors.append(RowError(row, column, message))

        def text(column: str, *, limit: int, required: bool = False) -> str:
            value = record.get(column, "")
            if required and not value:
                error(column, _("Enter the %s") % column.replace("_", " "))
            elif len(value) > limit:
                error(column, _("Must be %d characters or fewer") % limit)
            return value

        service_uuid = None
        if record.get("uuid"):
            try:
                service_uuid = uuid.UUID(record["uuid"])
            except ValueError:
                error("uuid", _("Not a valid id. Leave it empty for a new service"))
            else:
                if service_uuid not in self.known_uuids:
                    error("uuid", _("No service has this id. Leave it empty for a new service"))

        organisation = text("organisation", limit=200, required=True)
        service_name = text("service_name", limit=200, required=True)
        summary = text("summary", limit=300, required=True)
        description = record.get("description", "")

        categories = self._terms(record.get("categories", ""), "category", error)
        programmes = self._terms(record.get("programmes", ""), "programme", error)

        location_name = text("location_name", limit=200)
        address = text("address", limit=200)
        postcode = ""
        if record.get("postcode"):
            try:
                postcode = normalise_postcode(record["postcode"])
            except InvalidPostcode as exc:
                error("postcode", str(exc.messages[0]))
        if location_name and not address:
            error("address", _("Enter the address of the place"))
        if location_name and not record.get("postcode"):
            error("postcode", _("Enter the postcode of the place"))
        if (address or record.get("postcode")) and not location_name:
            error("location_name", _("Enter the name of the place at this address"))
        ward = None
        if record.get("ward"):
            ward = self.wards.get(record["ward"].casefold())
            if ward is None:
                error("ward", _("“%s” is not a Luton ward") % record["ward"])

        days = ""
        if record.get("days"):
            parts = [d.strip().upper() for d in _LIST_SPLIT.split(record["days"]) if d.strip()]
            bad = [d for d in parts if d not in WEEKDAYS]
            if bad:
                error("days", _("Use two-letter days separated by commas, like MO,TH"))
            else:
                days = ",".join(sorted(set(parts), key=WEEKDAYS.index))
        opens = self._time(record.get("opens", ""), "opens", error)
        closes = self._time(record.get("closes", ""), "closes", error)
        if days and (not record.get("opens") or not record.get("closes")):
            error("opens", _("Enter the opening and closing times for the days given"))
        if (record.get("opens") or record.get("closes")) and not record.get("days"):
            error("days", _("Enter the days these times are for"))
        if days and not location_name:
            error("location_name", _("Enter the place where these sessions run"))
        if opens and closes and opens == closes:
            error("closes", _("The closing time must be different from the opening time"))

        phone = text("phone", limit=30)
        email = record.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", _("Enter an email address like name@example.com"))
        website = record.get("website", "")
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                error("website", _("Enter a web address starting with https://"))

        referral = record.get("referral", "") or Service.Referral.DROP_IN
        if referral not in Service.Referral.values:
            error("referral", _("Use one of: %s") % ", ".join(Service.Referral.values))
        cost = record.get("cost", "") or Service.Cost.FREE
        if cost not in Service.Cost.values:
            error("cost", _("Use one of: %s") % ", ".join(Service.Cost.values))
        min_age = self._age(record.get("min_age", ""), "min_age", error)
        max_age = self._age(record.get("max_age", ""), "max_age", error)
        if min_age is not None and max_age is not None and min_age > max_age:
            error("max_age", _("The maximum age must be the same as or more than the minimum"))

        languages: list[str] = []
        for name in _split(record.get("languages", "")):
            code = LANGUAGE_CODES.get(name.casefold()) or (
                name.lower() if name.lower() in LANGUAGE_NAMES else None
            )
            if code is None:
                error("languages", _("“%s” is not a language we know") % name)
            elif code not in languages:
                languages.append(code)

        return ServiceRow(
            row=row,
            uuid=service_uuid,
            organisation=organisation,
            service_name=service_name,
            summary=summary,
            description=description,
            categories=categories,
            programmes=programmes,
            location_name=location_name,
            address=address,
            postcode=postcode,
            ward=ward,
            days=days,
            opens=opens,
            closes=closes,
            phone=phone,
            email=email,
            website=website,
            referral=referral,
            cost=cost,
            min_age=min_age,
            max_age=max_age,
            languages=languages,
        )

    def _terms(self, value: str, kind: str, error: Any) -> list[TaxonomyTerm]:
        terms = []
        column = "categories" if kind == "category" else "programmes"
        for slug in _split(value):
            term = self.terms.get((kind, slug.lower()))
            if term is None:
                error(column, _("“%s” is not one of our %s") % (slug, column))
            elif term not in terms:
                terms.append(term)
        return terms

    @staticmethod
    def _time(value: str, column: str, error: Any) -> datetime.time | None:
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%H:%M").time()
        except ValueError:
            error(column, _("Enter a 24-hour time like 09:30"))
            return None

    @staticmethod
    def _age(value: str, column: str, error: Any) -> int | None:
        if not value:
            return None
        if not value.isdigit() or int(value) > 120:
            error(column, _("Enter an age in whole years, from 0 to 120"))
            return None
        return int(value)


def _split(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]


def _check_rows(records: list[dict[str, str]]) -> ImportCheck:
    check = ImportCheck()
    checker = _RowChecker(records)
    seen: dict[tuple[str, str] | uuid.UUID, int] = {}
    for index, record in enumerate(records):
        row_number = index + 2  # the header is row 1, as a spreadsheet numbers it
        before = len(check.errors)
        row = checker.check(row_number, record, check.errors)
        key: tuple[str, str] | uuid.UUID = row.uuid or (
            row.organisation.casefold(),
            row.service_name.casefold(),
        )
        if key in seen:
            check.errors.append(
                RowError(
                    row_number,
                    "service_name",
                    _("This service is also in row %d: each service once only") % seen[key],
                )
            )
        else:
            seen[key] = row_number
        if len(check.errors) == before:
            check.rows.append(row)
    return check


# --- Writing ---------------------------------------------------------------------------------


def _unique_slug(model: type[Service] | type[Location] | type[Organisation], name: str) -> str:
    base = slugify(name)[:180] or "listing"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def directory_import(*, check: ImportCheck, by: User) -> ImportResult:
    """Write a checked file: every row or, if anything fails, nothing. Matches a row to a
    service by its uuid, else by organisation and service name; only what differs is saved
    (and audited), so importing the same file again changes nothing."""
    if not check.ok:
        raise ValueError("import only a file with no errors")
    result = ImportResult()
    for row in check.rows:
        outcome = _import_row(row, by=by)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _import_row(row: ServiceRow, *, by: User) -> str:
    organisation = Organisation.objects.filter(name__iexact=row.organisation).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=row.organisation, slug=_unique_slug(Organisation, row.organisation)
        )
        audit.record(actor=by, obj=organisation, verb="organisation.imported")
    service = None
    if row.uuid is not None:
        service = Service.objects.select_for_update().filter(uuid=row.uuid).first()
    if service is None:
        service = (
            Service.objects.select_for_update()
            .filter(organisation=organisation, name__iexact=row.service_name)
            .first()
        )
    created = service is None
    wanted: dict[str, Any] = {
        "organisation_id": organisation.pk,
        "name": row.service_name,
        "summary": row.summary,
        "description": row.description,
        "email": row.email,
        "url": row.website,
        "referral": row.referral,
        "cost": row.cost,
        "minimum_age": row.min_age,
        "maximum_age": row.max_age,
    }
    changes: dict[str, Any] = {}
    if service is None:
        service = Service(slug=_unique_slug(Service, row.service_name), **wanted)
        service.save()
        changes["created"] = True
    else:
        for name, value in wanted.items():
            if getattr(service, name) != value:
                changes[name.removesuffix("_id")] = [str(getattr(service, name)), str(value)]
                setattr(service, name, value)
        if changes:
            service.save()

    for kind, terms in (("category", row.categories), ("programme", row.programmes)):
        current = set(
            Attribute.objects.filter(service=service, link_type=kind).values_list(
                "taxonomy_term_id", flat=True
            )
        )
        if current != {term.pk for term in terms}:
            Attribute.objects.filter(service=service, link_type=kind).delete()
            Attribute.objects.bulk_create(
                Attribute(taxonomy_term=term, link_type=kind, service=service) for term in terms
            )
            changes[f"{kind}s"] = [term.slug for term in terms]

    if row.location_name:
        _import_place(row, service=service, organisation=organisation, changes=changes)

    if row.phone:
        phones = list(Phone.objects.filter(service=service).order_by("pk"))
        if not phones:
            Phone.objects.create(service=service, number=row.phone)
            changes["phone"] = row.phone
        elif phones[0].number != row.phone:
            Phone.objects.filter(pk=phones[0].pk).update(number=row.phone)
            changes["phone"] = row.phone

    current_languages = list(
        Language.objects.filter(service=service).order_by("pk").values_list("code", flat=True)
    )
    if row.languages and current_languages != row.languages:
        Language.objects.filter(service=service).delete()
        Language.objects.bulk_create(
            Language(service=service, code=code, name=LANGUAGE_NAMES.get(code, code))
            for code in row.languages
        )
        changes["languages"] = row.languages

    if not changes:
        return "unchanged"
    audit.record(actor=by, obj=service, verb="service.imported", changes=changes)
    return "created" if created else "updated"


def _import_place(
    row: ServiceRow, *, service: Service, organisation: Organisation, changes: dict[str, Any]
) -> None:
    location = Location.objects.filter(name__iexact=row.location_name).order_by("pk").first()
    if location is None:
        location = Location.objects.create(
            name=row.location_name,
            slug=_unique_slug(Location, row.location_name),
            organisation=organisation,
            ward=row.ward,
        )
        changes["location"] = row.location_name
    elif row.ward is not None and location.ward_id != row.ward.pk:
        Location.objects.filter(pk=location.pk).update(ward=row.ward)
        changes["ward"] = row.ward.name
    address = Address.objects.filter(location=location).order_by("pk").first()
    if address is None:
        Address.objects.create(location=location, address_1=row.address, postal_code=row.postcode)
        changes["address"] = f"{row.address}, {row.postcode}"
    elif (address.address_1, address.postal_code) != (row.address, row.postcode):
        Address.objects.filter(pk=address.pk).update(
            address_1=row.address, postal_code=row.postcode
        )
        changes["address"] = f"{row.address}, {row.postcode}"
    sal, sal_created = ServiceAtLocation.objects.get_or_create(service=service, location=location)
    if sal_created:
        changes["location"] = row.location_name
    if row.days:
        sessions = list(
            Schedule.objects.filter(service_at_location=sal).values_list(
                "freq", "interval", "byday", "opens_at", "closes_at"
            )
        )
        wanted = (Schedule.Frequency.WEEKLY, 1, row.days, row.opens, row.closes)
        if sessions != [wanted]:
            Schedule.objects.filter(service_at_location=sal).delete()
            Schedule.objects.create(
                service_at_location=sal,
                service=service,
                freq=Schedule.Frequency.WEEKLY,
                interval=1,
                byday=row.days,
                opens_at=row.opens,
                closes_at=row.closes,
            )
            changes["session"] = f"{row.days} {row.opens:%H:%M}-{row.closes:%H:%M}"


def import_errors_sorted(errors: Iterable[RowError]) -> list[RowError]:
    """Errors in the order a person fixes them: by row, then by column as the file has them."""
    order = {column: i for i, column in enumerate(COLUMNS)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))
