"""Staff groups: least privilege for the back office.

- Reception: the appointment book (view and change through the actions), practitioners
  and their hours to look at, closures to keep up to date. No health answers, no approvals.
- Clinician: everything Reception has, plus the screening answers, approving and declining
  requests (the review queue), and reading the screening questions.
- Content editor: the treatment pages, the wording of the screening questions and the
  clinic profile. Nothing of appointments.
- Manager: everything in the clinic's three apps, booking policy included. (A superuser
  also works; daily work needs neither.)

Permissions are created here first (`create_permissions`), since Django normally makes
them only after all migrations have run. Re-running this migration is harmless: groups
are fetched or created, and their permissions set to exactly the lists below.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECEPTION = [
    "booking.view_appointment",
    "booking.change_appointment",
    "booking.view_practitioner",
    "booking.view_workinghours",
    "booking.view_closure",
    "booking.add_closure",
    "booking.change_closure",
]

CLINICIAN = RECEPTION + [
    "booking.view_health_answers",
    "booking.review_appointment",
    "booking.view_appointmentrequest",
    "booking.change_appointmentrequest",
    "booking.view_screeningquestion",
]

CONTENT_EDITOR = [
    f"treatments.{action}_{model}"
    for model in ("treatment", "section", "faq", "treatmentimage")
    for action in ("add", "change", "view", "delete")
] + [
    # Wording only: booking/admin/screening_questions.py keeps the rules (outcome, trigger, waiting period,
    # active) read-only for anyone who cannot add questions.
    "booking.view_screeningquestion",
    "booking.change_screeningquestion",
    "clinic.view_clinicprofile",
    "clinic.change_clinicprofile",
]

MANAGER_APPS = ("booking", "treatments", "clinic")

GROUPS = {
    "Reception": RECEPTION,
    "Clinician": CLINICIAN,
    "Content editor": CONTENT_EDITOR,
}


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module, which is every app of
        # a migration's state; restore whatever was there (the tests pass real apps).
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def lookup(names):
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return permissions

    for name, perms in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(lookup(perms))

    manager, _created = Group.objects.get_or_create(name="Manager")
    manager.permissions.set(
        Permission.objects.filter(content_type__app_label__in=MANAGER_APPS).exclude(
            # Appointments are never deleted from the admin: their history must stay true.
            codename__in=["delete_appointment", "delete_appointmentrequest"]
        )
    )


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[*GROUPS, "Manager"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0001_initial"),
        ("treatments", "0001_initial"),
        ("booking", "0004_appointmentrequest"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
