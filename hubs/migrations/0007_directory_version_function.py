"""The directory's version (hubs.filters.directory_version) as a PL/pgSQL function.

The same expression as hubs.filters.version_sql(); tests/hubs/test_directory_cache.py checks the
two give the same answer, so a table added to the version in Python without a new migration
fails there. As a plain statement PostgreSQL planned its 14 sub-selects on every request (0.56 ms
of the 0.84 ms it cost); PL/pgSQL keeps the plan for the life of the connection (0.14 ms), and
every search and hub page reads the version.
"""

from django.db import migrations

VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION hubs_directory_version() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN md5(concat_ws('-',
        (SELECT max(id) FROM hubs_service),
        (SELECT max(id) FROM hubs_location),
        (SELECT max(id) FROM hubs_serviceatlocation),
        (SELECT max(id) FROM hubs_schedule),
        (SELECT max(id) FROM hubs_scheduleexception),
        (SELECT max(id) FROM hubs_attribute),
        (SELECT max(id) FROM hubs_language),
        (SELECT max(id) FROM hubs_servicearea),
        (SELECT max(id) FROM hubs_taxonomyterm),
        (SELECT max(id) FROM places_ward),
        (SELECT max(last_modified) FROM hubs_service),
        (SELECT max(last_modified) FROM hubs_location),
        (SELECT max(last_modified) FROM hubs_serviceatlocation),
        (SELECT max(last_modified) FROM hubs_organisation)
    ));
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0006_directory_search_indexes"),
        ("places", "0002_load_wards"),
    ]

    operations = [
        migrations.RunSQL(VERSION_FUNCTION, "DROP FUNCTION IF EXISTS hubs_directory_version()"),
    ]
