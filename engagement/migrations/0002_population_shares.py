# Owned by the "population_shares" area. Schema or data changes for that area go here (write the
# operations by hand or copy them from a throwaway makemigrations), so that areas built at the
# same time never make two leaf migrations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_consultations_surveys_assemblies")]

    operations: list = []
