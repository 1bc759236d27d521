"""Object permissions for the directory: editors change their own organisations' listings."""

from __future__ import annotations

import rules

from luton2040.accounts.models import User
from luton2040.accounts.rules import is_council_staff, is_organisation_editor

from .models import Organisation, OrganisationEditor


@rules.predicate
def edits_organisation(user: User, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return OrganisationEditor.objects.filter(organisation=organisation, user=user).exists()


rules.add_perm("hubs.view_organisation", rules.always_allow)
rules.add_perm(
    "hubs.change_organisation", is_council_staff | (is_organisation_editor & edits_organisation)
)
