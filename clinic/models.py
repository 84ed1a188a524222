import datetime as dt
import zoneinfo
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import class_prepared
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic import request_memo
from clinic.cache_versions import InvalidatingQuerySet, layout_fingerprint
from clinic.languages import render_markdown
from clinic.redis_cache import forget_after_outage

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


_S = TypeVar("_S", bound="SingletonModel", covariant=True)


class SingletonQuerySet(InvalidatingQuerySet[_S]):
    """Bulk writes to a singleton also forget the row ``load()`` keeps in the cache."""

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            self.model.forget_cached()
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        if deleted[0]:
            self.model.forget_cached()
        return deleted


class SingletonModel(models.Model):
    """A model with exactly one row (pk 1), read through the cache by `load()`."""

    # Where `load()` keeps the row: the model's label and the layout of its fields, set
    # when the class is ready (below), so a release that changes the model never
    # unpickles a row an older one cached.
    CACHE_KEY: ClassVar[str] = ""
    # Read in every request's first round trip to the cache (clinic/request_memo.py),
    # for a row most requests need.
    READ_WITH_EVERY_REQUEST: ClassVar[bool] = False

    objects = SingletonQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget_cached()

    @classmethod
    def forget_cached(cls) -> None:
        memo = request_memo.singletons()
        if memo:
            memo.pop(cls, None)
        request_memo.forget(cls.CACHE_KEY)
        # Forgotten at once and again on commit: a read between the write and the
        # commit would otherwise put the old row back in the cache for an hour.
        cache.delete(cls.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.CACHE_KEY))

    @classmethod
    def load(cls) -> Self:
        """The one row, from the cache when possible (created with defaults on first use)."""
        memo = request_memo.singletons()
        if memo is not None and cls in memo:
            return memo[cls]
        instance = request_memo.prefetched(cls.CACHE_KEY)  # read with the request's start
        if instance is request_memo.NOT_READ:
            instance = cache.get(cls.CACHE_KEY)
        if instance is None:
            instance, _created = cls._default_manager.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, instance, 60 * 60)
        if memo is not None:
            memo[cls] = instance
        return instance


# The singletons read with every request, by label (their keys change once: see below).
_READ_WITH_EVERY_REQUEST: dict[str, type[SingletonModel]] = {}


def keys_read_with_every_request() -> list[str]:
    return [model.CACHE_KEY for model in _READ_WITH_EVERY_REQUEST.values()]


def name_the_cache_key(sender: type[models.Model], **_kwargs: object) -> None:
    if issubclass(sender, SingletonModel) and not sender._meta.proxy:
        if sender.READ_WITH_EVERY_REQUEST:
            _READ_WITH_EVERY_REQUEST[sender._meta.label] = sender
        sender.CACHE_KEY = f"{sender._meta.label_lower}:{layout_fingerprint(sender)}"
        # A write while Redis is away cannot forget the cached row: forget it when Redis
        # is back (clinic/redis_cache.py).
        forget_after_outage(sender.CACHE_KEY)


class_prepared.connect(name_the_cache_key, dispatch_uid="clinic.singleton-cache-key")


class ClinicProfile(SingletonModel):
    """Who the clinic is and how to reach it. There is exactly one; load it with `load()`."""

    READ_WITH_EVERY_REQUEST = True  # its time zone: ClinicTimezoneMiddleware

    name = models.CharField(_("name"), max_length=120, default="Clinic")
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("One short sentence under the name on the home page."),
    )
    about = models.TextField(
        _("about the clinic"),
        blank=True,
        help_text=_("A paragraph or two for the home and contact pages. Plain text."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    locality = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    country_code = models.CharField(
        _("country code"), max_length=2, blank=True, help_text=_("Two letters, e.g. MX.")
    )
    map_url = models.URLField(
        _("map link"),
        blank=True,
        help_text=_("A link to the clinic on a map service. Opens in the patient's browser."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        help_text=_("As patients should dial it from abroad, e.g. +52 664 000 0000."),
    )
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per day or range of days, e.g. “Monday–Friday: 9:00–18:00”."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="America/Tijuana",
        help_text=_("Every time on the site and in emails is shown in this zone."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        help_text=_("Three-letter code for prices, e.g. USD or MXN."),
    )

    # For the type checker only: django-modeltranslation swaps the manager at run time for
    # a class the django-stubs plugin cannot name, which would leave rows typed as the base.
    objects: ClassVar["models.Manager[ClinicProfile]"]  # type: ignore[assignment]

    class Meta:
        verbose_name = _("clinic profile")
        verbose_name_plural = _("clinic profile")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contact")

    def structured_data(self) -> dict:
        """schema.org MedicalClinic for search engines."""
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalClinic",
            "name": self.name,
            "url": settings.SITE_URL + reverse("home"),  # in the language being read
            "address": {
                "@type": "PostalAddress",
                "streetAddress": self.street_address,
                "addressLocality": self.locality,
                "addressRegion": self.region,
                "postalCode": self.postal_code,
                "addressCountry": self.country_code or self.country,
            },
        }
        if self.phone:
            data["telephone"] = self.phone
        if self.email:
            data["email"] = self.email
        if self.map_url:
            data["hasMap"] = self.map_url
        if self.opening_hours_lines:
            data["openingHours"] = self.opening_hours_lines
        return data

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def address_lines(self) -> list[str]:
        city = " ".join(part for part in (self.postal_code, self.locality) if part)
        city = ", ".join(part for part in (city, self.region) if part)
        return [line for line in (self.street_address, city, self.country) if line]

    @property
    def opening_hours_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def phone_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


class PrivacyNoticeQuerySet(InvalidatingQuerySet["PrivacyNotice"]):
    def published(self) -> "PrivacyNoticeQuerySet":
        """Versions patients have been shown: published, never changed again."""
        return self.filter(published_at__isnull=False)

    def current(self) -> "PrivacyNotice | None":
        """The notice in force: the latest published version (None before the first)."""
        return self.published().order_by("-version").first()


class PublishedNoticeIsFinal(Exception):
    """A published privacy notice is never changed: publish a new version instead."""


class PrivacyNotice(models.Model):
    """The clinic's privacy notice (*aviso de privacidad*, Mexico's LFPDPPP), versioned.

    Editors write a draft and publish it; publishing gives it the next version number and
    the notice in force is the latest published one. A published version is never
    changed or deleted, so what a patient agreed to (``booking.Consent``) can always be
    shown again at ``/privacy/v/<version>/``.
    """

    version = models.PositiveIntegerField(
        _("version"), null=True, blank=True, unique=True, editable=False
    )
    body = models.TextField(
        _("notice"),
        help_text=_(
            "Markdown: a blank line between paragraphs, “## ” for a heading, “- ” for a list, "
            "**bold**. Say who is responsible (name, address, contact), which data and why, "
            "how to exercise access, rectification, cancellation and opposition rights, and "
            "how long data is kept."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    changes = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("One sentence shown with the notice, e.g. “We now send reminders by SMS.”"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        ordering = [models.F("version").desc(nulls_first=True), "-created_at"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        if self.version is None:
            return str(_("Privacy notice (draft)"))
        return str(_("Privacy notice, version %(version)s")) % {"version": self.version}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self).objects.published().filter(pk=self.pk).exists():
            raise PublishedNoticeIsFinal(str(self))
        render_markdown(self, "body", "body_html", top_heading=2)  # in each language
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.version is None:
            return reverse("privacy")
        return reverse("privacy_version", kwargs={"version": self.version})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def publish(self, now: dt.datetime | None = None) -> None:
        """Make this draft the notice in force, as the next version."""
        with transaction.atomic():
            latest = type(self).objects.select_for_update().published().order_by("-version").first()
            self.version = (latest.version or 0) + 1 if latest else 1
            self.published_at = now or timezone.now()
            self.save()
