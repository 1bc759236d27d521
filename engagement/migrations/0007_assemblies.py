# Owned by the "assemblies" area. Schema or data changes for that area go here (write the
# operations by hand or copy them from a throwaway makemigrations), so that areas built at the
# same time never make two leaf migrations.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("engagement", "0006_outcomes")]

    operations = [
        migrations.AddConstraint(
            model_name="selectionrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("confirmed", True)),
                fields=("assembly",),
                name="selection_run_one_confirmed",
            ),
        ),
    ]
