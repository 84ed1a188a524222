"""The clinic's own data: its profile, and a staff member's authenticator."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import ClinicProfile, PrivacyNotice


class ClinicProfileFactory(factory.django.DjangoModelFactory):
    """The one clinic profile, in Tijuana, with these values whether or not it already exists."""

    class Meta:
        model = ClinicProfile

    name = "Clínica Rosa"
    tagline = "Skin treatments in Tijuana, explained plainly."
    about = "A small clinic near the border crossing."
    street_address = "Av. Revolución 1234"
    locality = "Tijuana"
    region = "Baja California"
    postal_code = "22000"
    country = "Mexico"
    country_code = "MX"
    map_url = "https://www.openstreetmap.org/?mlat=32.53&mlon=-117.04"
    phone = "+52 664 123 4567"
    email = "hola@clinica.example"
    opening_hours = "Monday–Friday: 9:00–18:00\nSaturday: 9:00–14:00"
    time_zone = "America/Tijuana"
    currency = "USD"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # save() pins the primary key to 1, updating the profile if there is one;
        # the manager's create() would insert a second row and fail.
        profile = model_class(*args, **kwargs)
        profile.save()
        return profile


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (TOTP) of `user`, as enrolment leaves it."""

    class Meta:
        model = TOTPDevice

    name = "phone"
    confirmed = True


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    """A published privacy notice, the next version (``published=False``: a draft)."""

    class Meta:
        model = PrivacyNotice

    body = factory.Sequence(
        lambda n: (
            f"## Who is responsible\n\nClínica Rosa, notice text number {n}.\n\n"
            "## Your rights\n\n- **access**\n- **rectification**\n"
        )
    )
    changes = "First version."
    published = True

    @classmethod
    def _create(cls, model_class, *args, published=True, **kwargs):
        notice = model_class(*args, **kwargs)
        notice.save()
        if published:
            notice.publish()
        return notice
