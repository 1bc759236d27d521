"""Load the Census 2021 figures for Luton that "Who is responding" compares responses with.

Only figures we could trace to a Census 2021 release are entered, and every one is marked
``checked=False``, so the staff pages say "not yet checked against the ONS release" until
someone has compared it with the ONS table named in ``source``. Left out on purpose (the page
shows "no population figure" for them, and staff can add them on the population page):

- wards: Census 2021 was counted on the wards before the May 2023 boundary changes, so no
  published table gives the 20 current wards' populations; the ONS ward estimates for the new
  wards were not to hand. A guessed split would steer outreach to the wrong places.
- age bands: TS007A counts five-year bands (15 to 19, 20 to 24, ...), which do not divide at 18
  as the monitoring question does; the under-18 and 18 to 24 shares need the single-year table.
- ethnic group "Mixed" and "Other": only their combined share (about 7.7%) was to hand.
- disability: the Luton share of TS038 was not to hand.

Shares are of all usual residents, children included, so an adult-only survey will always
look short of the youngest groups.

Runs once (a plain create of rows that do not exist yet); reversing removes only rows that
still hold exactly what this migration wrote, so figures staff have changed are kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

LUTON = "Luton (E06000032)"

# TS008: 112,900 males and 112,400 females of 225,300 usual residents (rounded to the
# nearest hundred in the first release, 28 June 2022): 50.1% and 49.9%.
SEX_SOURCE = f"ONS Census 2021, TS008 Sex, {LUTON}, all usual residents"
# TS021 high-level groups: Asian 83,343, Black 22,741, White 101,790 of 225,293 usual
# residents in the 20-way ethnic group count.
ETHNIC_SOURCE = f"ONS Census 2021, TS021 Ethnic group (high-level categories), {LUTON}"

FIGURES: list[tuple[str, str, str, str]] = [
    ("sex", "female", "49.9", SEX_SOURCE),
    ("sex", "male", "50.1", SEX_SOURCE),
    ("ethnic_group", "asian", "37.0", ETHNIC_SOURCE),
    ("ethnic_group", "black", "10.1", ETHNIC_SOURCE),
    ("ethnic_group", "white", "45.2", ETHNIC_SOURCE),
]


def load_population_shares(apps: Any, schema_editor: Any) -> None:
    PopulationShare = apps.get_model("engagement", "PopulationShare")
    for dimension, category, share, source in FIGURES:
        PopulationShare.objects.get_or_create(
            dimension=dimension,
            category=category,
            defaults={"share": Decimal(share), "source": source, "checked": False},
        )


def remove_population_shares(apps: Any, schema_editor: Any) -> None:
    PopulationShare = apps.get_model("engagement", "PopulationShare")
    for dimension, category, share, source in FIGURES:
        PopulationShare.objects.filter(
            dimension=dimension,
            category=category,
            share=Decimal(share),
            source=source,
            checked=False,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_consultations_surveys_assemblies")]

    operations = [migrations.RunPython(load_population_shares, remove_population_shares)]
