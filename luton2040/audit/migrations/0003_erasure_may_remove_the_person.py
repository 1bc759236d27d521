# Account erasure (issue 7) must take a person's name and address out of the audit log, and the
# log must stay append-only for everything else. So the trigger from 0002 now lets exactly two
# kinds of UPDATE through, and still refuses every other UPDATE and every DELETE:
#
# 1. Django's on_delete=SET_NULL when an account is deleted: actor_id to NULL, nothing else
#    (as in 0002).
# 2. Erasure: actor_label and object_repr may each become the erased account's pseudonym
#    ("Erased account" and eight hex digits, the form accounts.services.account_erase writes),
#    and changes may become {"erased": true}. Every other column must stay as it was, and a
#    value may only move to the erased form, never to anything else, so a row cannot be made
#    to name a different person.
#
# The event itself (when, what, which object) is never changed, so the record stays whole.

from django.db import migrations

ERASURE_ALLOWED = r"""
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Comparing whole rows as JSON (less the columns allowed to change) keeps columns added
    -- later protected too.
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND to_jsonb(NEW) - 'actor_label' - 'object_repr' - 'changes'
           = to_jsonb(OLD) - 'actor_label' - 'object_repr' - 'changes'
       AND (NEW.actor_label = OLD.actor_label
            OR NEW.actor_label ~ '^Erased account [0-9a-f]{8}$')
       AND (NEW.object_repr = OLD.object_repr
            OR NEW.object_repr ~ '^Erased account [0-9a-f]{8}$')
       AND (NEW.changes = OLD.changes OR NEW.changes = '{"erased": true}'::jsonb) THEN
        RETURN NEW;
    END IF;
    -- restrict_violation is what PostgreSQL itself raises for ON DELETE RESTRICT; Django
    -- turns it into IntegrityError.
    RAISE EXCEPTION 'audit events are append-only: % on audit_auditevent refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new audit event instead of changing or removing an old one.';
END;
$$;
"""

# 0002's function, as it was.
ERASURE_REFUSED = r"""
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % on audit_auditevent refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new audit event instead of changing or removing an old one.';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunSQL(ERASURE_ALLOWED, reverse_sql=ERASURE_REFUSED)]
