"""Enrol a staff member for two-factor login to the back office (TOTP).

    python manage.py enrol_totp <username> [--replace] [--name "Phone"]

Creates a confirmed TOTP device for the user and prints the otpauth:// URL and a
QR code for the terminal. Scan it with an authenticator app (Aegis, FreeOTP,
Google Authenticator, 1Password, ...), then sign in at /admin/ with the password
and the current 6-digit code. This is how the first account gets in; later staff
are enrolled by a manager in the admin (Two-factor sign-in > TOTP devices > Add),
which shows the same QR code on screen.

The output contains the shared secret: run it on the server in a private
terminal, do not paste it anywhere, and clear the screen afterwards.
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.staff import AlreadyEnrolled, enrol_totp_device


class Command(BaseCommand):
    help = "Create a confirmed TOTP device for a staff user and print its QR code."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Authenticator app", help="A label for the device (max 64)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the user's existing TOTP devices first (lost or new phone).",
        )
        parser.add_argument(
            "--no-qr", action="store_true", help="Print only the otpauth:// URL, no QR code."
        )

    def handle(self, *args, username, name, replace, no_qr, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user with username {username!r}.") from None

        try:
            device = enrol_totp_device(TOTPDevice(user=user, name=name[:64]), replace=replace)
        except AlreadyEnrolled:
            raise CommandError(
                f"{username!r} already has a TOTP device. Use --replace to delete "
                "it and enrol a new one."
            ) from None

        url = device.config_url
        if not user.is_staff:
            self.stderr.write(
                self.style.WARNING(
                    f"Note: {username!r} is not marked as staff and cannot use the admin yet."
                )
            )
        self.stdout.write(f"TOTP device created for {username!r}.")
        self.stdout.write("Scan this QR code with an authenticator app, or enter the URL:")
        if not no_qr:
            self.stdout.write(self._terminal_qr(url))
        self.stdout.write(url)
        self.stdout.write(
            "Then sign in at /admin/ with the password and the 6-digit code from the app. "
            "This output contains the secret key: clear your terminal now."
        )

    @staticmethod
    def _terminal_qr(data: str) -> str:
        qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(data)
        qr.make(fit=True)
        buffer = io.StringIO()
        qr.print_ascii(out=buffer, invert=True)
        return buffer.getvalue()
