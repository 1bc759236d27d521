"""The staff audit log page: who may see it, what it shows, and how the filters narrow it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from hubs.models import Organisation
from luton2040.accounts.models import User

from ..factories import OrganisationFactory, UserFactory
from .factories import AuditEventFactory

URL = reverse("audit:event-list")


def at(*args: int) -> datetime.datetime:
    """A moment given in UTC."""
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/staff/audit/" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "outsider", "org_editor", "taskforce_member"])
def test_people_who_are_not_council_staff_are_refused(
    client: Client, db: None, request: pytest.FixtureRequest, persona: str
) -> None:
    AuditEventFactory(object_repr="Secret change")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 403
    assert b"Secret change" not in response.content


def test_staff_without_mfa_are_sent_to_set_it_up(client: Client, staff_without_mfa: User) -> None:
    client.force_login(staff_without_mfa)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_see_events_with_when_who_what_object_and_changes(
    client: Client, staff: User, organisation: Organisation
) -> None:
    AuditEventFactory(
        obj=organisation,
        actor=staff,
        verb="organisation.renamed",
        created_at=at(2026, 11, 30, 10, 15),
        changes={"name": ["Luton Food Bank", "Luton Foodbank (test)"]},
    )
    # In summer the UK is an hour ahead of UTC.
    AuditEventFactory(
        obj=organisation, verb="organisation.checked", created_at=at(2026, 7, 1, 9, 5)
    )
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "30 Nov 2026, 10:15" in html
    assert "1 Jul 2026, 10:05" in html
    assert "sara.staff@luton.gov.uk.example" in html
    assert "organisation.renamed" in html
    assert "Luton Foodbank (test)" in html
    assert "Luton Food Bank → Luton Foodbank (test)" in html
    assert "2 events" in html
    # Newest first.
    assert html.index("30 Nov 2026") < html.index("1 Jul 2026")


def test_an_erased_account_still_shows_who_acted(client: Client, staff: User) -> None:
    leaver = UserFactory(email="lee.leaver@example.org")
    AuditEventFactory(actor=leaver, verb="feedback.sent")
    leaver.delete()
    client.force_login(staff)

    html = client.get(URL).content.decode()

    assert "lee.leaver@example.org" in html
    assert "account deleted" in html


def _shown(client: Client, **query: Any) -> set[str]:
    """The object names of the events the list shows for these filters."""
    response = client.get(URL, query)
    assert response.status_code == 200
    return {event.object_repr for event in response.context["page_obj"]}


@pytest.fixture
def varied_events(staff: User, resident: User) -> dict[str, Any]:
    """Four events that differ in who, what, object type and id, and when."""
    hub_owner = OrganisationFactory(name="Marsh Farm Futures")
    other_org = OrganisationFactory(name="Lewsey Community Centre")
    return {
        "by_staff": AuditEventFactory(
            obj=hub_owner,
            actor=staff,
            verb="organisation.renamed",
            object_repr="A: staff renamed",
            created_at=at(2026, 3, 2, 9, 0),
        ),
        "by_resident": AuditEventFactory(
            obj=other_org,
            actor=resident,
            verb="feedback.sent",
            object_repr="B: resident feedback",
            created_at=at(2026, 3, 10, 12, 0),
        ),
        "about_a_user": AuditEventFactory(
            obj=resident,
            actor=staff,
            verb="account.role_changed",
            object_repr="C: role changed",
            created_at=at(2026, 3, 20, 12, 0),
        ),
        "by_the_system": AuditEventFactory(
            obj=hub_owner,
            verb="organisation.renamed",
            object_repr="D: system renamed",
            created_at=at(2026, 4, 5, 12, 0),
        ),
        "hub_owner": hub_owner,
    }


def test_no_filters_show_every_event(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)

    assert _shown(client) == {
        "A: staff renamed",
        "B: resident feedback",
        "C: role changed",
        "D: system renamed",
    }


def test_who_matches_part_of_the_recorded_label(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)

    assert _shown(client, who="RASHIDA") == {"B: resident feedback"}
    assert _shown(client, who="system") == {"D: system renamed"}


def test_who_also_matches_the_accounts_current_email(
    client: Client, staff: User, resident: User, varied_events: dict[str, Any]
) -> None:
    resident.email = "rashida.new-address@example.org"
    resident.save()
    client.force_login(staff)

    assert _shown(client, who="new-address") == {"B: resident feedback"}


def test_what_narrows_to_one_verb_chosen_from_those_recorded(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)

    response = client.get(URL)
    options = [value for value, _label in response.context["form"].fields["what"].choices]
    assert options == ["", "account.role_changed", "feedback.sent", "organisation.renamed"]

    assert _shown(client, what="organisation.renamed") == {"A: staff renamed", "D: system renamed"}


def test_object_type_and_object_id_narrow_to_one_object(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)
    user_type = ContentType.objects.get_for_model(User)
    organisation_type = ContentType.objects.get_for_model(Organisation)
    hub_owner = varied_events["hub_owner"]

    assert _shown(client, object_type=user_type.pk) == {"C: role changed"}
    assert _shown(client, object_type=organisation_type.pk, object_id=hub_owner.pk) == {
        "A: staff renamed",
        "D: system renamed",
    }


def test_date_from_and_date_to_take_whole_uk_days(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)

    assert _shown(client, date_from="10/3/2026") == {
        "B: resident feedback",
        "C: role changed",
        "D: system renamed",
    }
    assert _shown(client, date_to="10/03/2026") == {"A: staff renamed", "B: resident feedback"}
    assert _shown(client, date_from="2026-03-03", date_to="2026-03-20") == {
        "B: resident feedback",
        "C: role changed",
    }


def test_date_to_ends_at_midnight_in_london_not_utc(client: Client, staff: User) -> None:
    # 23:30 UTC on 5 April is 00:30 on 6 April in London (British Summer Time).
    AuditEventFactory(object_repr="late on the 5th UTC", created_at=at(2026, 4, 5, 23, 30))
    AuditEventFactory(object_repr="late on the 5th London", created_at=at(2026, 4, 5, 22, 30))
    client.force_login(staff)

    assert _shown(client, date_to="5/4/2026") == {"late on the 5th London"}
    assert _shown(client, date_from="6/4/2026") == {"late on the 5th UTC"}


def test_filters_combine(client: Client, staff: User, varied_events: dict[str, Any]) -> None:
    client.force_login(staff)

    assert _shown(client, who="sara.staff", what="organisation.renamed") == {"A: staff renamed"}


def test_the_form_keeps_what_was_typed_and_offers_to_clear_it(
    client: Client, staff: User, varied_events: dict[str, Any]
) -> None:
    client.force_login(staff)

    html = client.get(URL, {"who": "rashida", "what": "feedback.sent"}).content.decode()

    assert 'value="rashida"' in html
    assert '<option value="feedback.sent" selected>' in html
    assert f'href="{URL}">Clear filters</a>' in html
    assert "1 event" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "31/2/2026"}, "Date from must be a real date, like 27/3/2026"),
        ({"date_to": "next tuesday"}, "Date to must be a real date, like 27/3/2026"),
        ({"date_from": "1/1/1066"}, "Date from must be between 2000 and 2999"),
        (
            {"date_from": "2/3/2026", "date_to": "1/3/2026"},
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_a_date_that_cannot_be_used_is_explained_not_ignored(
    client: Client, staff: User, varied_events: dict[str, Any], query: dict[str, str], message: str
) -> None:
    client.force_login(staff)

    response = client.get(URL, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    # Listing everything while a filter is broken would mislead; nothing is listed instead.
    assert list(response.context["page_obj"]) == []
    assert "A: staff renamed" not in html


@pytest.mark.parametrize("how_many", [3, 30])
def test_the_list_takes_the_same_number_of_queries_however_many_events(
    client: Client, staff: User, django_assert_num_queries: Any, how_many: int
) -> None:
    for n in range(how_many):
        AuditEventFactory(
            actor=UserFactory(), verb=f"thing.done_{n % 5}", changes={"n": [n, n + 1]}
        )
    client.force_login(staff)

    # session, user, roles, TOTP check (middleware), verbs, object types, count, the page
    with django_assert_num_queries(8):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == how_many


def test_fifty_events_a_page_with_links_that_keep_the_filters(client: Client, staff: User) -> None:
    for n in range(51):
        AuditEventFactory(
            verb="organisation.checked",
            object_repr=f"Check {n}",
            created_at=at(2026, 1, 1 + n % 28, 9, n),
        )
    client.force_login(staff)

    first = client.get(URL, {"what": "organisation.checked"})
    second = client.get(URL, {"what": "organisation.checked", "page": "2"})

    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 1
    assert "51 events" in first.content.decode()
    assert 'href="?what=organisation.checked&amp;page=2"' in first.content.decode()
    assert 'class="govuk-pagination"' in first.content.decode()


def test_object_types_are_offered_in_alphabetical_order(client: Client, staff: User) -> None:
    client.force_login(staff)

    response = client.get(URL)

    labels = [str(label) for value, label in response.context["form"].fields["object_type"].choices]
    assert labels[0] == "Any type"
    assert "Organisation" in labels
    assert labels[1:] == sorted(labels[1:], key=str.casefold)
