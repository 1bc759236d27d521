"""Object permissions for the directory: editors change their own organisations' listings."""

from __future__ import annotations

import rules

from luton2040.accounts.models import User
from luton2040.accounts.rules import is_organisation_editor, staff_with_mfa

from .models import Organisation, OrganisationEditor


@rules.predicate
def edits_organisation(user: User, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return OrganisationEditor.objects.filter(organisation=organisation, user=user).exists()


rules.add_perm("hubs.view_organisation", rules.always_allow)
rules.add_perm(
    "hubs.change_organisation", staff_with_mfa | (is_organisation_editor & edits_organisation)
)


@rules.predicate
def edits_listing(user: User, listing: object) -> bool:
    """The listing (service, hub or proposed edit) belongs to an organisation the user edits."""
    organisation_id = getattr(listing, "organisation_id", None)
    if organisation_id is None or not getattr(user, "is_authenticated", False):
        return False
    return OrganisationEditor.objects.filter(organisation_id=organisation_id, user=user).exists()


# Organisation editors propose changes to their own organisation's listings (and new listings
# for it); nobody else does, staff included: staff change listings in the admin, behind MFA.
may_propose = is_organisation_editor & edits_listing
rules.add_perm("hubs.use_editor_pages", is_organisation_editor)
rules.add_perm("hubs.propose_listing", is_organisation_editor & edits_organisation)
rules.add_perm("hubs.propose_service_edit", may_propose)
rules.add_perm("hubs.propose_location_edit", may_propose)
rules.add_perm("hubs.withdraw_listing_edit", may_propose)
rules.add_perm("hubs.change_service", staff_with_mfa | may_propose)
rules.add_perm("hubs.change_location", staff_with_mfa | may_propose)
rules.add_perm("hubs.review_listing_edit", staff_with_mfa)
