# pg_trgm (misspelling-tolerant search) and unaccent (search that ignores accents) are used by
# the directory and consultations; enabling them here, first, means every app can rely on them.
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
