"""The Manager group runs staff accounts, two-factor devices and lockouts.

Daily work needs no superuser: a manager creates staff accounts, puts them in
groups, deactivates them, resets passwords, enrols and replaces authenticator
apps, and lifts sign-in lockouts. What keeps this from being a way up is in
clinic/admin.py and clinic/staff.py (no superuser flag, no individual
permissions, no superuser's account, only groups whose permissions the manager
holds). Groups are only viewed: their permissions are set by migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER_ADMINISTERS = [
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_user"),
    ("auth", "view_group"),
    ("otp_totp", "add_totpdevice"),
    ("otp_totp", "change_totpdevice"),
    ("otp_totp", "delete_totpdevice"),
    ("otp_totp", "view_totpdevice"),
    # Deleting an access attempt is what lifts a lockout.
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
    ("axes", "view_accesslog"),
]


def _permissions(apps):
    # Permissions are normally created after all migrations; create these apps' now.
    for label in ("auth", "otp_totp", "axes"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in MANAGER_ADMINISTERS
    ]


def grant_to_manager(apps, schema_editor):
    manager = apps.get_model("auth", "Group").objects.filter(name="Manager").first()
    if manager:
        manager.permissions.add(*_permissions(apps))


def revoke_from_manager(apps, schema_editor):
    manager = apps.get_model("auth", "Group").objects.filter(name="Manager").first()
    if manager:
        manager.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_appointment_starts_at_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("otp_totp", "0001_initial"),
        ("axes", "0008_accessfailurelog"),
    ]

    operations = [migrations.RunPython(grant_to_manager, revoke_from_manager)]
