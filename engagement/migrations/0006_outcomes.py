# Owned by the "outcomes" area. Schema or data changes for that area go here (write the
# operations by hand or copy them from a throwaway makemigrations), so that areas built at the
# same time never make two leaf migrations.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("engagement", "0005_hub_desk")]

    operations = [
        migrations.AddIndex(
            model_name="consultationoutcome",
            index=models.Index(fields=["-published_at"], name="outcome_published_idx"),
        ),
    ]
