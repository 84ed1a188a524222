"""Who may administer which staff account, and two-factor enrolment.

The manager runs staff accounts without being a superuser (clinic/admin.py). One
rule keeps that from becoming a way up: a staff member administers only accounts
that can do no more than they can themselves, and hands out only groups whose
permissions they hold. Superusers are administered by superusers alone.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice


class AlreadyEnrolled(Exception):
    """The staff member has a TOTP device already; replacing it must be asked for."""


def _permissions_beyond(staff: AbstractUser) -> QuerySet[Permission]:
    """Permissions `staff` does not hold, through their groups or individually."""
    held = Permission.objects.filter(Q(group__user=staff) | Q(user=staff)).values("pk")
    return Permission.objects.exclude(pk__in=held)


def administrable_accounts(staff: AbstractUser) -> QuerySet[AbstractUser]:
    """The accounts `staff` may edit, reset and enrol: never a superuser (unless `staff`
    is one), never an account with a permission `staff` lacks."""
    accounts = get_user_model()._default_manager.all()
    if staff.is_superuser:
        return accounts
    beyond = _permissions_beyond(staff)
    return (
        accounts.exclude(is_superuser=True)
        .exclude(groups__permissions__in=beyond)
        .exclude(user_permissions__in=beyond)
    )


def may_administer(staff: AbstractUser, account: AbstractUser) -> bool:
    return administrable_accounts(staff).filter(pk=account.pk).exists()


def assignable_groups(staff: AbstractUser) -> QuerySet[Group]:
    """The groups `staff` may put people in: those granting nothing `staff` lacks."""
    groups = Group.objects.order_by("name")
    if staff.is_superuser:
        return groups
    return groups.exclude(permissions__in=_permissions_beyond(staff))


def has_totp_device(account: AbstractUser) -> bool:
    return TOTPDevice.objects.devices_for_user(account, confirmed=None).exists()


def enrol_totp_device(device: TOTPDevice, *, replace: bool = False) -> TOTPDevice:
    """Save the new `device` for `device.user`, confirmed, ready to scan.

    With `replace` (a lost or new phone) the account's other TOTP devices are deleted
    in the same transaction; without it, an account that has one is refused
    (`AlreadyEnrolled`), so nobody loses their device by accident.
    """
    with transaction.atomic():
        existing = TOTPDevice.objects.devices_for_user(device.user, confirmed=None)
        if existing.exists():
            if not replace:
                raise AlreadyEnrolled(device.user.get_username())
            existing.delete()
        device.confirmed = True
        device.save()
    return device
