"""Who may do what with the privacy notice and patients' data requests.

- Content editor and Manager write and publish the privacy notice (a published version
  is read-only to everyone: clinic/admin.py).
- Manager sees and handles patients' data requests (export, deleting health answers:
  ``booking.erase_patient_data``, which the Manager group already holds). Requests are
  never deleted: they are the record of what was asked and done. Reception and
  clinicians get nothing here.

The Manager group was given every permission of the clinic's apps in 0005; models added
since need theirs added here.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRIVACY_NOTICE = [
    ("clinic", f"{action}_privacynotice") for action in ("add", "change", "view", "delete")
]
DATA_REQUESTS = [("booking", "view_datarequest"), ("booking", "change_datarequest")]

GRANTS = {
    "Content editor": PRIVACY_NOTICE,
    "Manager": PRIVACY_NOTICE + DATA_REQUESTS,
}


def _permissions(apps, names):
    for label in ("clinic", "booking"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in names
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, names in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*_permissions(apps, names))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, names in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(*_permissions(apps, names))


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0013_privacy_consent_and_data_requests"),
        ("clinic", "0002_privacy_notice"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
