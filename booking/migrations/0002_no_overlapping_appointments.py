"""The database's own guarantee that one practitioner is never booked twice at once.

On PostgreSQL an exclusion constraint (btree_gist) refuses any two active
appointments of one practitioner whose occupied times overlap, buffer included.
SQLite has no such constraint: there, booking/services/ runs every booking
write in an IMMEDIATE transaction (one writer at a time) and re-checks the
overlap inside it.

The constraint is kept out of the model's Meta on purpose: Django would
otherwise try to validate it with PostgreSQL-only SQL on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_appointment ADD CONSTRAINT appointment_no_overlap
EXCLUDE USING gist (
    practitioner_id WITH =,
    tstzrange(starts_at, occupied_until, '[)') WITH &&
) WHERE (status IN ('held', 'requested', 'confirmed'));
"""
DROP = "ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
