"""Demo directory data: the three town-wide programmes and demo organisations (labelled)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from .models import Organisation, OrganisationEditor


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Programmes (real names) and demo organisations, one bound to the demo editor."""
    organisation, _created = Organisation.objects.get_or_create(
        slug="demo-community-pantry",
        defaults={
            "name": "Demo Community Pantry (demo data)",
            "description": "An invented organisation for the demo; not a real service.",
        },
    )
    editor = get_user_model().objects.filter(email="editor@demo.example.org").first()
    if editor is not None:
        OrganisationEditor.objects.get_or_create(organisation=organisation, user=editor)
    existing = Organisation.objects.filter(slug__startswith="demo-group-").count()
    Organisation.objects.bulk_create(
        Organisation(name=f"Demo Group {n} (demo data)", slug=f"demo-group-{n}")
        for n in range(existing, (scale - 1) * 20)
    )
    log(f"Directory: {Organisation.objects.count()} organisations (demo).")
