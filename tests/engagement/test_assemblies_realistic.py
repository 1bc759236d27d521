"""One draw at the size the issue expects: about 300 volunteers for 20 seats, balanced on the
five standard features with quotas suggested from the population. The other tests use small
pools to stay fast; this one shows the real thing works and how long it takes (recorded in
docs/performance.md, "Assembly selection")."""

from __future__ import annotations

import random
import time
from decimal import Decimal
from typing import Any

from engagement.models import Assembly, FeatureCategory, SelectionRun, Volunteer
from engagement.selectors import assemblies as selectors
from engagement.services import assemblies as services
from luton2040.accounts.models import User

from .test_assemblies_setup import _fields
from .test_assemblies_support import run_draw, selected_answers

# Shares of Luton (%), and how a typical volunteer pool leans (older, whiter, fewer disabled
# people than the town): the quotas have work to do.
SHARES = {
    "age_band": {"18-24": 11, "25-34": 18, "35-49": 26, "50-64": 18, "65-plus": 12},
    "sex": {"female": 49.9, "male": 50.1},
    "ethnic_group": {"asian": 37.0, "black": 10.1, "mixed": 4.0, "white": 45.2, "other": 3.7},
    "disability": {"yes": 17, "no": 83},
}
POOL_LEAN = {
    "age_band": {"18-24": 5, "25-34": 12, "35-49": 25, "50-64": 28, "65-plus": 28, "not-said": 2},
    "sex": {"female": 55, "male": 43, "not-said": 2},
    "ethnic_group": {"asian": 25, "black": 8, "mixed": 4, "white": 58, "other": 3, "not-said": 2},
    "disability": {"yes": 12, "no": 86, "not-said": 2},
}


def test_a_realistic_draw_of_300_volunteers_for_20_seats_meets_every_quota(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = services.assembly_create(by=staff, **{**_fields(), "target_size": 20, "reserves": 4})
    categories = list(
        FeatureCategory.objects.filter(feature__assembly=assembly).select_related("feature")
    )
    wards = [c for c in categories if c.feature.key == "ward"]
    for category in categories:
        if category.feature.key == "ward":
            category.population_share = Decimal(100) / len(wards)
        else:
            share = SHARES[category.feature.key].get(category.key)
            category.population_share = None if share is None else Decimal(str(share))
    FeatureCategory.objects.bulk_update(categories, ["population_share"])
    suggestions = selectors.quota_suggestions(assembly=assembly, categories=categories)
    quotas = [
        services.QuotaInput(
            category_id=c.pk,
            min_seats=suggestions.get(c.pk, (0, 1))[0],
            max_seats=suggestions.get(c.pk, (0, 1))[1],  # "prefer not to say", "under 18": few
            population_share=c.population_share,
        )
        for c in categories
    ]
    services.quotas_save(assembly=assembly, by=staff, quotas=quotas)
    services.assembly_publish(assembly=assembly, by=staff)

    rng = random.Random(2040)  # noqa: S311 - a repeatable pool, not a secret
    by_key = {(c.feature.key, c.key): c for c in categories}
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            assembly=assembly, name=f"Volunteer {n}", email=f"v{n}@example.org", postcode="LU2 0AA"
        )
        for n in range(300)
    )
    through = Volunteer.categories.through
    rows = []
    for volunteer in volunteers:
        ward = rng.choice(wards)
        rows.append(through(volunteer_id=volunteer.pk, featurecategory_id=ward.pk))
        for key, lean in POOL_LEAN.items():
            answer = rng.choices(list(lean), weights=list(lean.values()))[0]
            rows.append(
                through(volunteer_id=volunteer.pk, featurecategory_id=by_key[key, answer].pk)
            )
    through.objects.bulk_create(rows)

    started = time.monotonic()
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    seconds = time.monotonic() - started
    print(
        f"\nAssembly selection, 300 volunteers, 20 seats, 5 features: {seconds:.1f} s in all, "
        f"the draw {run.result.get('seconds')} s, {run.result.get('cpu_seconds')} s of processor"
    )

    assert run.status == SelectionRun.Status.DONE, run.message
    assert len(run.result["selected"]) == 20 and len(run.result["reserves"]) == 4
    members = selected_answers(run)
    for category in categories:
        held = sum((category.feature.key, category.key) in answers for answers in members)
        category.refresh_from_db()
        assert category.min_seats <= held <= category.max_seats, category
    # The least likely volunteer still had a real chance: the point of maximin.
    assert min(run.result["probabilities"].values()) > 0
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.SELECTING
