"""Wards are places, not people: nothing personal here, said so the registry test can tell."""

from __future__ import annotations

from luton2040.accounts.personal_data import register_not_personal

register_not_personal("places.Ward", {"name": "The name of an electoral ward."})
