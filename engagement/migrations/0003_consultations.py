# Owned by the "consultations" area. Schema or data changes for that area go here (write the
# operations by hand or copy them from a throwaway makemigrations), so that areas built at the
# same time never make two leaf migrations.
from django.db import migrations, models

import engagement.models.consultations


class Migration(migrations.Migration):
    dependencies = [("engagement", "0002_population_shares")]

    operations: list = [
        # Documents are stored under a random name (see document_upload_to).
        migrations.AlterField(
            model_name="consultationdocument",
            name="file",
            field=models.FileField(
                upload_to=engagement.models.consultations.document_upload_to, verbose_name="file"
            ),
        ),
    ]
