"""Load Luton's 20 wards (May 2023 boundaries) from fixtures/wards.json.

Update or create by slug, so running it against a database that already has some wards fills
the gaps without duplicates. Reversing it leaves the wards alone: by then staff may have edited
them, and other tables point at them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "wards.json"

# Only the fields this migration's model state has: if the fixture later gains fields, this
# migration still runs against the historical model. A blank value in the fixture never
# overwrites one staff have filled in (an ONS code, a centre point) if the migration is re-run.
FIELDS = ("name", "gss_code", "latitude", "longitude")


def load_wards(apps: Any, schema_editor: Any) -> None:
    Ward = apps.get_model("places", "Ward")
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for row in rows:
        fields = row["fields"]
        Ward.objects.update_or_create(
            slug=fields["slug"],
            defaults={name: fields[name] for name in FIELDS if fields.get(name) not in (None, "")},
        )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(load_wards, migrations.RunPython.noop)]
