"""The portal's published taxonomies: service categories, the three town-wide programmes, who a
service is for, and accessibility features. Reference data every environment needs (residents
filter by it, the Open Referral API publishes it), so it loads in a migration, not in demo data.
Existing terms are left as staff edited them.
"""

from django.db import migrations

TAXONOMIES = {
    "category": (
        "Luton service categories",
        "The kinds of help listed in the Luton 2040 directory.",
        [
            ("food", "Food", "Food banks, pantries, community meals and fridges."),
            ("warm-spaces", "Warm and welcoming spaces", "Free places to keep warm and meet people."),
            ("money-advice", "Money, debt and benefits advice", "Help with bills, debt and benefits."),
            ("housing", "Housing and homelessness", "Help to find or keep a home."),
            ("health-wellbeing", "Health and wellbeing", "Mental and physical health support."),
            ("sanctuary", "Refugees and people seeking asylum", "Welcome, advice and practical help."),
            ("families", "Children, young people and families", "Support for parents and children."),
            ("learning", "Learning, English and skills", "Classes, English lessons, digital skills."),
            ("work", "Work and volunteering", "Help into work and chances to volunteer."),
            ("community", "Community groups and activities", "Social groups, clubs and activities."),
        ],
    ),
    "programme": (
        "Luton 2040 town-wide programmes",
        "The programmes that services and hubs take part in under Luton 2040.",
        [
            ("food-first", "Food First", "Food support across Luton, from food banks to community meals."),
            ("warm-spaces", "Warm Spaces", "Free, welcoming places to keep warm in the colder months."),
            (
                "city-of-sanctuary",
                "City of Sanctuary",
                "Welcoming people seeking sanctuary, with places and services that understand their needs.",
            ),
        ],
    ),
    "eligibility": (
        "Who a service is for",
        "Groups a service is set up to help. Services may help others too.",
        [
            ("low-income", "People on low incomes", "People struggling with the cost of living."),
            ("refugees", "Refugees and people seeking asylum", "Including people with no recourse to public funds."),
            ("disabled", "Disabled people", "Disabled residents and their carers."),
            ("older-people", "Older people", "Usually people aged 60 or over."),
            ("young-people", "Young people", "Usually people aged 11 to 25."),
            ("families", "Families with children", "Parents, carers and their children."),
            ("carers", "Carers", "People who look after someone."),
            ("women", "Women", "Services for women only."),
        ],
    ),
    "accessibility": (
        "Accessibility features",
        "What a place offers disabled visitors, in the words UK directories use.",
        [
            ("wheelchair-access", "Wheelchair access", "Step-free access for wheelchair users."),
            ("accessible-toilet", "Accessible toilet", "A toilet suitable for wheelchair users."),
            ("hearing-loop", "Hearing loop", "An induction loop for hearing aid users."),
            ("guide-dog-friendly", "Guide dog friendly", "Assistance dogs welcome."),
            ("dementia-friendly", "Dementia friendly", "Staff trained to support people with dementia."),
            ("quiet-space", "Quiet space", "A calm room away from noise."),
            ("baby-changing", "Baby changing", "Baby changing facilities."),
        ],
    ),
}


def load_taxonomies(apps, schema_editor):
    Taxonomy = apps.get_model("hubs", "Taxonomy")
    TaxonomyTerm = apps.get_model("hubs", "TaxonomyTerm")
    for kind, (name, description, terms) in TAXONOMIES.items():
        taxonomy, _created = Taxonomy.objects.get_or_create(
            kind=kind, defaults={"name": name, "description": description, "version": "1"}
        )
        for slug, term_name, term_description in terms:
            TaxonomyTerm.objects.get_or_create(
                taxonomy=taxonomy,
                slug=slug,
                defaults={"name": term_name, "description": term_description},
            )


class Migration(migrations.Migration):
    dependencies = [("hubs", "0004_directory")]

    operations = [migrations.RunPython(load_taxonomies, migrations.RunPython.noop)]
