"""The privacy notice is generated from the personal-data and retention registries."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luton2040.accounts import personal_data, retention
from luton2040.accounts.models import User
from luton2040.accounts.personal_data import Erasure, PersonalDataSource

pytestmark = pytest.mark.django_db


def _page(client: Client) -> str:
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


def _words(text: Any) -> str:
    return " ".join(str(text).split())


@pytest.fixture
def ward_names_source() -> Iterator[PersonalDataSource]:
    """A registration made only for this test, taken out again afterwards."""
    source = PersonalDataSource(
        model_label="places.Ward",
        fields=("name",),
        category="Test category for the notice",
        purpose="To prove a new registration reaches the notice.",
        lawful_basis="Test basis",
        retention="Kept for the length of this test.",
        rows_for=None,
        erasure=Erasure.KEEP,
        kept_because="The test needs it.",
    )
    personal_data.register(source)
    yield source
    personal_data.unregister(source)


def test_every_registered_source_is_on_the_notice_in_words(
    client: Client, ward_names_source: PersonalDataSource
) -> None:
    page = _page(client)

    sources = personal_data.sources()
    assert ward_names_source in sources
    for source in sources:
        for text in (source.category, source.purpose, source.lawful_basis, source.retention):
            assert _words(text) in page, (source.model_label, text)
        if source.holds:  # said in plain words instead of the fields' names
            assert _words(source.holds) in page, source.model_label
        else:
            for name in source.fields:
                model_field = source.model._meta.get_field(name)
                if getattr(model_field, "related_model", None) is User:
                    assert "a link to your account" in page.lower()
                    continue
                verbose = getattr(model_field, "verbose_name", name)
                assert _words(verbose).lower() in page.lower(), (source.model_label, name)
        if source.erasure == Erasure.KEEP:
            assert _words(source.kept_because) in page
    # The test's own source, field by field, as the page shows it.
    assert "Test category for the notice" in page
    assert "We keep it. The test needs it." in page


def test_every_retention_rule_is_on_the_notice_with_the_period_in_force(client: Client) -> None:
    page = _page(client)

    assert retention.rules()
    for rule in retention.rules():
        assert _words(rule.kind) in page, rule.key
        assert _words(rule.describe()) in page, rule.key
    assert "[Placeholder: retention periods" not in page


def test_changing_a_retention_setting_changes_the_notice(client: Client, settings: Any) -> None:
    rule = next(r for r in retention.rules() if r.key == "unverified_signups")
    settings.RETENTION_DAYS = {"unverified_signups": 17}
    page = _page(client)
    assert "we delete the account 17 days after you started" in page

    settings.RETENTION_DAYS = {"unverified_signups": 45}
    page = _page(client)
    assert "we delete the account 45 days after you started" in page
    assert "17 days" not in page
    assert rule.days == 45


def test_a_rule_shows_beside_the_data_it_applies_to(
    client: Client, ward_names_source: PersonalDataSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = retention.RetentionRule(
        key="test_ward_names",
        kind="Ward names (test)",
        what_happens="Ward names are forgotten %(period)s after the test.",
        model_label="places.Ward",
        default_days=3,
        apply=lambda cutoff: 0,
    )
    monkeypatch.setitem(retention._rules, rule.key, rule)

    page = _page(client)

    # Once in the source's own "How long we keep it", once in the table of periods.
    assert page.count("Ward names are forgotten 3 days after the test.") == 2


def test_the_fixed_sections_stay(client: Client) -> None:
    page = _page(client)
    for heading in ("Who we are", "Your rights", "How to complain", "Cookies"):
        assert heading in page
    assert reverse("cookies") in page


def test_the_rights_section_links_to_downloading_your_data_and_deleting_your_account(
    client: Client,
) -> None:
    # The notice once looked the download page up under a name it never had, and so left the
    # link out without a word.
    page = _page(client)
    assert f'href="{reverse("accounts:your-data")}"' in page
    assert f'href="{reverse("accounts:delete")}"' in page
