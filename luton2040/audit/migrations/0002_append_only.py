# The audit log is append-only, and PostgreSQL enforces it, so no code path (a bug, a shell,
# a careless migration) can rewrite history. The one change allowed is the one Django makes
# when an account is erased: on_delete=SET_NULL clears actor_id and leaves every other
# column as it was (actor_label keeps saying who acted).
#
# TRUNCATE is not refused. Django empties the database with TRUNCATE between transactional
# tests (TransactionTestCase, pytest's transactional_db and live_server, which the browser
# tests use) and in `manage.py flush`; a BEFORE TRUNCATE trigger makes every one of them fail
# with "audit events are append-only". Refusing TRUNCATE belongs to database privileges: in
# production the application's role should not own audit_auditevent nor hold TRUNCATE on it
# (see docs/deployment.md).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

REFUSE_CHANGES = """
CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Comparing whole rows as JSON (less actor_id) keeps columns added later protected too.
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    -- restrict_violation is what PostgreSQL itself raises for ON DELETE RESTRICT; Django
    -- turns it into IntegrityError.
    RAISE EXCEPTION 'audit events are append-only: % on audit_auditevent refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new audit event instead of changing or removing an old one.';
END;
$$;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # created_at's own index is replaced by (created_at DESC, id DESC), which serves the
        # sort and the date range filters; verb, actor and (content_type, object_id) are
        # indexed in 0001. actor and content_type lead composite indexes, so their own
        # single-column indexes only cost writes.
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="who",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="content_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="object type",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["-created_at", "-id"], name="audit_when_idx"),
        ),
        migrations.RunSQL(REFUSE_CHANGES, reverse_sql=ALLOW_CHANGES),
    ]
