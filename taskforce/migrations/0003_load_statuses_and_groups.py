"""The action statuses and the groups of residents: reference data every environment needs
(the tracker counts by status; actions and indicator breakdowns name groups). Staff may edit
them afterwards; existing rows are left alone."""

from django.db import migrations

STATUSES = [
    # slug, name, rag, counts as, what it means
    ("planned", "Planned", "grey", "not-started", "Agreed, not started yet."),
    ("in-progress", "In progress", "green", "on-track", "Under way and on track."),
    ("at-risk", "At risk", "amber", "at-risk", "Under way, but may not finish on time or in full."),
    ("delayed", "Delayed", "red", "at-risk", "Behind its plan; the lead is working on a new date."),
    ("done", "Done", "blue", "done", "Finished."),
    ("stopped", "Stopped", "grey", "stopped", "Stopped before it finished; the update says why."),
]

GROUPS = [
    ("low-income", "People on low incomes"),
    ("refugees", "Refugees and people seeking asylum"),
    ("disabled", "Disabled residents"),
    ("young-people", "Young people"),
    ("older-people", "Older people"),
    ("ethnic-minority", "Black, Asian and minority ethnic residents"),
    ("carers", "Carers"),
    ("women", "Women and girls"),
]


def load(apps, schema_editor):
    ActionStatus = apps.get_model("taskforce", "ActionStatus")
    PopulationGroup = apps.get_model("taskforce", "PopulationGroup")
    for position, (slug, name, rag, group, description) in enumerate(STATUSES):
        ActionStatus.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "rag": rag,
                "summary_group": group,
                "description": description,
                "position": position,
            },
        )
    for position, (slug, name) in enumerate(GROUPS):
        PopulationGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0002_actions_indicators_reports")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
