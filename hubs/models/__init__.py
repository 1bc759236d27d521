"""The service directory's data: Open Referral UK v3 (HSDS 3.0) complete, plus what Luton's
residents need that the standard leaves out (referral route, what to bring, exceptions to opening
times, resident feedback, the provider review queue).

Every record the API publishes carries a ``uuid`` (HSDS ids are UUIDs); the integer primary key
stays internal, so URLs residents see use slugs and the API uses uuids.
"""

from .directory import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from .feedback import ListingReport, ListingUsefulness
from .organisations import Organisation, OrganisationEditor, OrganisationIdentifier
from .review import ListingEdit
from .schedules import Schedule, ScheduleException
from .taxonomy import Attribute, Taxonomy, TaxonomyTerm

__all__ = [
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "CostOption",
    "Funding",
    "Language",
    "ListingEdit",
    "ListingReport",
    "ListingUsefulness",
    "Location",
    "Organisation",
    "OrganisationEditor",
    "OrganisationIdentifier",
    "Phone",
    "RequiredDocument",
    "Schedule",
    "ScheduleException",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "Taxonomy",
    "TaxonomyTerm",
]
