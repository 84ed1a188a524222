from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Appointments")

    def ready(self):
        # The calendar's free times and the book's counts are cached; imported here so that
        # every process (commands too) declares what they depend on
        # (clinic/cache_versions.py).
        from booking import book_count, free_times  # noqa: F401
