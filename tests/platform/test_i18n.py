"""Strings are marked for translation and pages are ready for right-to-left languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_interface_strings_reach_the_translation_catalogue(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """makemessages finds the shell's strings, so a translator sees them without code changes."""
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(ROOT)
    call_command(
        "makemessages",
        locale=["ur"],
        ignore_patterns=[".venv/*", "node_modules/*", ".data/*", "tests/*"],
        verbosity=0,
    )
    catalogue = (tmp_path / "ur" / "LC_MESSAGES" / "django.po").read_text()
    for text in (
        "Skip to main content",
        "Find support",
        "Have your say",
        "Accessibility statement",
    ):
        assert f'msgid "{text}"' in catalogue, text


def test_a_right_to_left_language_turns_the_page_around(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGES = [("en-gb", "English"), ("ur", "Urdu")]
    with translation.override("ur"):
        html = Client(headers={"accept-language": "ur"}).get("/").content.decode()
    assert 'lang="ur"' in html
    assert 'dir="rtl"' in html


def test_english_pages_read_left_to_right() -> None:
    html = Client().get("/").content.decode()
    assert 'lang="en-gb"' in html
    assert 'dir="ltr"' in html
