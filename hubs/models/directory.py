"""Services, the places they run (locations, some of them community hubs) and their details."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..querysets import LocationQuerySet, ServiceQuerySet
from .base import OpenReferralRecord

# The search vector is a stored generated column: PostgreSQL keeps it in step with the row on
# every write, so no signal or save() hook can forget it. Names weigh most, then the summary and
# keywords (other names people use: "foodbank", "pantry"), then the long description.
SEARCH_CONFIG = "english"


class Service(OpenReferralRecord):
    """Help a resident can get: a food bank session, debt advice, a warm space."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Running")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
        INACTIVE = "inactive", _("Not running at the moment")
        DEFUNCT = "defunct", _("Closed for good")

    class Referral(models.TextChoices):
        # What a resident must do to get the service: the question every peer leaves as free text.
        DROP_IN = "drop-in", _("Just turn up, no referral needed")
        SELF_REFERRAL = "self-referral", _("Contact them yourself, no referral needed")
        REFERRAL = "referral", _("You need a referral")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        PAY_AS_YOU_CAN = "pay-as-you-can", _("Pay as you can")
        CHARGE = "charge", _("There is a charge")

    organisation = models.ForeignKey(
        "hubs.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two plain sentences for search results.")
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=300,
        blank=True,
        help_text=_("Other words people might search for, such as foodbank or pantry."),
    )
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACTIVE, db_index=True
    )
    alert = models.CharField(
        _("alert"),
        max_length=250,
        blank=True,
        help_text=_("A short notice shown at the top of the listing, such as a change of venue."),
    )
    # Who it is for and how to get it.
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    referral = models.CharField(
        _("how to get it"), max_length=20, choices=Referral, default=Referral.DROP_IN
    )
    who_can_refer = models.TextField(_("who can refer"), blank=True)
    application_process = models.TextField(_("how to get it, in detail"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost, default=Cost.FREE)
    fees_description = models.TextField(_("cost details"), blank=True)
    interpretation_services = models.TextField(_("interpreting"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    # "Last verified" (HSDS assured_date) is kept apart from last_modified: an import or a typo fix
    # touches last_modified without anyone checking the listing is right.
    assured_date = models.DateField(_("last verified"), null=True, blank=True, db_index=True)
    assurer_email = models.EmailField(_("verified by"), blank=True)
    verification_requested_at = models.DateTimeField(
        _("provider last asked to verify"), null=True, blank=True
    )
    unconfirmed_since = models.DateTimeField(
        _("flagged as unconfirmed"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config=SEARCH_CONFIG)
            + SearchVector("alternate_name", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("keywords", weight="B", config=SEARCH_CONFIG)
            + SearchVector("description", weight="C", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="hubs_service_search"),
            GinIndex(
                name="hubs_service_name_trgm",
                fields=["name"],
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(fields=["referral"], name="hubs_service_referral"),
            models.Index(fields=["cost"], name="hubs_service_cost"),
            models.Index(fields=["minimum_age", "maximum_age"], name="hubs_service_ages"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="hubs_service_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:service-detail", kwargs={"slug": self.slug})

    @property
    def is_listed(self) -> bool:
        """Residents see running and temporarily closed services; the rest are kept for records."""
        return self.status in (self.Status.ACTIVE, self.Status.TEMPORARILY_CLOSED)


class Location(OpenReferralRecord):
    """A place where services run. A community hub is a location with its own page."""

    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("A place people visit")
        POSTAL = "postal", _("A postal address")
        VIRTUAL = "virtual", _("Online or by phone")

    organisation = models.ForeignKey(
        "hubs.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("organisation that runs it"),
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType, default=LocationType.PHYSICAL
    )
    is_hub = models.BooleanField(
        _("community hub"), default=False, help_text=_("Hubs get their own page with a timetable.")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(
        _("how to get there"), blank=True, help_text=_("Buses, parking, step-free routes.")
    )
    url = models.URLField(_("web address (online services)"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=50, blank=True)
    external_identifier_type = models.CharField(
        _("external identifier type"), max_length=20, blank=True, help_text=_("For example UPRN.")
    )
    ward = models.ForeignKey(
        "places.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("ward"),
    )
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config=SEARCH_CONFIG)
            + SearchVector("alternate_name", weight="A", config=SEARCH_CONFIG)
            + SearchVector("description", weight="C", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="hubs_location_search"),
            GinIndex(name="hubs_location_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["is_hub", "name"], name="hubs_location_hubs"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:hub-detail", kwargs={"slug": self.slug})


class ServiceAtLocation(OpenReferralRecord):
    """A service delivered at a location, with its own opening times there."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("notes for this place"), blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        # The directory version reads max(last_modified) on every search.
        indexes = [models.Index(fields=["last_modified"], name="hubs_sal_last_modified")]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="hubs_sal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Address(OpenReferralRecord):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("Where to go")
        POSTAL = "postal", _("Postal address")
        VIRTUAL = "virtual", _("Virtual")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("for the attention of"), max_length=200, blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=200)
    address_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("town"), max_length=100, default="Luton")
    region = models.CharField(_("region"), max_length=100, blank=True)
    state_province = models.CharField(_("county"), max_length=100, default="Bedfordshire")
    postal_code = models.CharField(_("postcode"), max_length=10)
    country = models.CharField(_("country code"), max_length=2, default="GB")
    address_type = models.CharField(
        _("type"), max_length=10, choices=AddressType, default=AddressType.PHYSICAL
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(
            p for p in (self.address_1, self.address_2, self.city, self.postal_code) if p
        )


class Contact(OpenReferralRecord):
    """A named contact for a service, location or organisation."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    organisation = models.ForeignKey(
        "hubs.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.email or str(self.uuid)


class Phone(OpenReferralRecord):
    class PhoneType(models.TextChoices):
        # RFC 6350 types, as HSDS uses.
        VOICE = "voice", _("Voice")
        TEXT = "text", _("Text message")
        CELL = "cell", _("Mobile")
        TEXTPHONE = "textphone", _("Textphone")
        FAX = "fax", _("Fax")
        VIDEO = "video", _("Video")

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organisation = models.ForeignKey(
        "hubs.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=30)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=PhoneType, default=PhoneType.VOICE)
    description = models.CharField(_("when to call"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.number


class Language(OpenReferralRecord):
    """A language staff speak at a service (or location, or on a phone line)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(_("language"), max_length=100)
    # ISO 639-1 where one exists (ur, pa, bn, pl, ro), else ISO 639-3.
    code = models.CharField(_("language code"), max_length=3, db_index=True)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        # The language counts join from the matching services (or their places): index-only.
        indexes = [
            models.Index(fields=["service", "code"], name="hubs_language_service_code"),
            models.Index(fields=["location", "code"], name="hubs_language_location_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Accessibility(OpenReferralRecord):
    """What a location offers disabled visitors, in the provider's words."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.CharField(_("description"), max_length=250)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("more information"), blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description


class ServiceArea(OpenReferralRecord):
    """An area a service covers: a ward, or the whole town when no ward is given."""

    class ExtentType(models.TextChoices):
        GEOJSON = "geojson", "GeoJSON"
        TOPOJSON = "topojson", "TopoJSON"
        KML = "kml", "KML"
        TEXT = "text", _("Text")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    ward = models.ForeignKey(
        "places.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_areas",
        verbose_name=_("ward"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=10, choices=ExtentType, blank=True)
    uri = models.URLField(_("area identifier"), blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        # The ward counts join from the matching services: index-only.
        indexes = [models.Index(fields=["service", "ward"], name="hubs_servicearea_service_ward")]

    def __str__(self) -> str:
        return self.name


class CostOption(OpenReferralRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.CharField(_("applies to"), max_length=250, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(_("amount description"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")

    def __str__(self) -> str:
        return self.amount_description or self.option or str(self.amount)


class Funding(OpenReferralRecord):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    organisation = models.ForeignKey(
        "hubs.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    source = models.CharField(_("source"), max_length=250)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self) -> str:
        return self.source


class RequiredDocument(OpenReferralRecord):
    """A document a resident must bring, such as a referral voucher or proof of address."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.CharField(_("document"), max_length=250)
    uri = models.URLField(_("more information"), blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.document
