from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinic.cache_versions import InvalidatingQuerySet
from clinic.languages import render_markdown
from treatments.images import delete_renditions, make_renditions, validate_image_file

# The most minutes a visit or a buffer may last: a PositiveSmallIntegerField's safe range on
# every database (PostgreSQL refuses more; SQLite would not). The desk calendar relies on
# it to find visits by their start (booking.models.LONGEST_OCCUPANCY).
MOST_MINUTES = 32767


class TreatmentQuerySet(InvalidatingQuerySet["Treatment"]):
    def published(self) -> "TreatmentQuerySet":
        """Treatments patients may see. The one publication rule of the site."""
        return self.filter(is_published=True)

    def visible_to(self, user) -> "TreatmentQuerySet":
        """Published treatments, plus drafts for staff who may preview them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


class ResponsiveImage:
    """What a template needs to draw an <img> with srcset, width and height."""

    def __init__(self, field_file, renditions: dict, alt: str):
        self.alt = alt
        items = (renditions or {}).get("items") or []
        if items:
            largest = items[-1]
            self.src = default_storage.url(largest["name"])
            self.width, self.height = largest["width"], largest["height"]
            self.srcset = ", ".join(
                f"{default_storage.url(item['name'])} {item['width']}w" for item in items
            )
        else:
            self.src = field_file.url
            self.width = renditions.get("width") if renditions else None
            self.height = renditions.get("height") if renditions else None
            self.srcset = ""


def sync_renditions(instance: models.Model, field_name: str, attribute: str) -> bool:
    """Rebuild an image field's renditions when its file changed. Returns True if it did.

    A new upload is stored first (the field's own pre_save, which save() would run a
    moment later anyway) so that the renditions record the file's final name and the
    upload is not read, and closed, before Django writes it to storage.
    """
    field = instance._meta.get_field(field_name)
    if not isinstance(field, models.FileField):
        raise TypeError(f"{field_name} is not a file field")
    field_file = field.pre_save(instance, add=instance._state.adding)
    current = getattr(instance, attribute) or {}
    if field_file and current.get("source") == field_file.name:
        return False
    delete_renditions(current)
    setattr(instance, attribute, make_renditions(field_file) if field_file else {})
    return True


class Treatment(models.Model):
    """A treatment the clinic offers, with everything its public page shows."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("The last part of the page address.")
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("Two or three plain sentences shown at the top of the page and in lists."),
    )
    hero_image = models.ImageField(
        _("hero image"),
        upload_to="treatments/hero/",
        blank=True,
        validators=[validate_image_file],
        help_text=_("A wide photo or illustration, at least 1200 pixels wide."),
    )
    hero_image_alt = models.CharField(
        _("hero image description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with an image."),
    )
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    session_minutes = models.PositiveSmallIntegerField(
        _("treatment time (minutes)"),
        validators=[MinValueValidator(5)],
        help_text=_("How long the treatment itself takes."),
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("whole visit (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(MOST_MINUTES)],
        help_text=_(
            "How long the patient is at the clinic, preparation included. "
            "This is the length of the appointment in the book."
        ),
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"),
        default=15,
        validators=[MaxValueValidator(MOST_MINUTES)],
        help_text=_("Time kept free after each appointment to clean and prepare the room."),
    )
    price_from = models.DecimalField(
        _("price from"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The lowest price of one session, in the clinic's currency."),
    )
    sessions_min = models.PositiveSmallIntegerField(_("sessions recommended (from)"), default=1)
    sessions_max = models.PositiveSmallIntegerField(_("sessions recommended (up to)"), default=1)
    spacing_weeks_min = models.PositiveSmallIntegerField(
        _("weeks between sessions (from)"), null=True, blank=True
    )
    spacing_weeks_max = models.PositiveSmallIntegerField(
        _("weeks between sessions (up to)"), null=True, blank=True
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published treatments are visible to patients and can be booked."),
    )
    position = models.PositiveSmallIntegerField(
        _("display order"), default=0, help_text=_("Lower numbers are listed first.")
    )
    is_featured = models.BooleanField(_("featured on the home page"), default=True)
    visit_instructions = models.TextField(
        _("instructions for every patient"),
        blank=True,
        help_text=_(
            "Short plain-text reminders sent with every confirmation and reminder, e.g. "
            "“Arrive 15 minutes early”. One per line."
        ),
    )
    seo_description = models.CharField(
        _("search engine description"),
        max_length=160,
        blank=True,
        help_text=_("At most 160 characters, shown by search engines under the page title."),
    )
    loaded_content = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Kept by load_clinic_content: the fingerprint of each field it last wrote, and "
            "the standard questions and FAQs it has created, so it never overwrites or "
            "brings back what staff edited or removed."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        sync_renditions(self, "hero_image", "hero_renditions")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("treatments:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.hero_image and not (self.hero_image_alt or "").strip():
            # On the English column, which every text has (the admin form's field; Spanish
            # falls back to it).
            english = f"hero_image_alt_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
            errors[english] = _("Describe the image for patients who cannot see it.")
        if self.sessions_min and self.sessions_max and self.sessions_max < self.sessions_min:
            errors["sessions_max"] = _("Must be at least the “from” number.")
        if (
            self.spacing_weeks_min
            and self.spacing_weeks_max
            and self.spacing_weeks_max < self.spacing_weeks_min
        ):
            errors["spacing_weeks_max"] = _("Must be at least the “from” number.")
        if (
            self.session_minutes
            and self.visit_minutes
            and self.visit_minutes < self.session_minutes
        ):
            errors["visit_minutes"] = _("The whole visit cannot be shorter than the treatment.")
        if errors:
            raise ValidationError(errors)

    @property
    def hero(self) -> ResponsiveImage | None:
        if not self.hero_image:
            return None
        return ResponsiveImage(self.hero_image, self.hero_renditions, self.hero_image_alt)

    @property
    def description(self) -> str:
        return self.seo_description or self.summary[:160]

    def structured_data(self, clinic) -> dict:
        """schema.org MedicalProcedure for search engines."""
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalProcedure",
            "name": self.name,
            "description": self.description,
            "procedureType": "https://schema.org/PercutaneousProcedure",
            "url": settings.SITE_URL + self.get_absolute_url(),
            "howPerformed": self.summary,
            "offers": {
                "@type": "Offer",
                "price": str(self.price_from),
                "priceCurrency": clinic.currency,
            },
        }
        if self.hero:
            data["image"] = settings.SITE_URL + self.hero.src
        return data

    def ordered_sections(self) -> list["Section"]:
        """Sections in the fixed reading order, whatever order editors created them in."""
        rank = {kind: index for index, kind in enumerate(SectionKind.values)}
        return sorted(self.sections.all(), key=lambda section: rank[section.kind])


class SectionKind(models.TextChoices):
    """The kinds of section a treatment page has, in the order patients read them."""

    HOW_IT_WORKS = "how_it_works", _("How it works")
    BENEFITS = "benefits", _("Benefits")
    RISKS = "risks", _("Risks and side effects")
    PREPARATION = "preparation", _("Preparing for your visit")
    WHAT_TO_EXPECT = "what_to_expect", _("What to expect on the day")
    AFTERCARE = "aftercare", _("Aftercare")
    RESULTS = "results", _("Results and number of sessions")


class Section(models.Model):
    """One part of a treatment page, written in Markdown by an editor."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="sections", verbose_name=_("treatment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices)
    title = models.CharField(
        _("title"), max_length=120, help_text=_("The heading patients see for this section.")
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: blank line between paragraphs, “- ” for a list, **bold**, "
            "[link text](https://…). Headings inside start at ###."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    loaded_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Fingerprint of the text load_clinic_content last wrote here."),
    )

    objects = InvalidatingQuerySet["Section"].as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["treatment", "kind"], name="one_section_per_kind")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        render_markdown(self, "body", "body_html")
        super().save(*args, **kwargs)

    @property
    def anchor(self) -> str:
        return self.kind.replace("_", "-")


class FAQ(models.Model):
    """A frequent question about a treatment and its answer (Markdown)."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("treatment")
    )
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), help_text=_("Markdown, like the section bodies."))
    answer_html = models.TextField(editable=False, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    content_key = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Which of the clinic's standard questions this is (load_clinic_content)."),
    )
    loaded_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Fingerprint of the text load_clinic_content last wrote here."),
    )

    objects = InvalidatingQuerySet["FAQ"].as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("frequent question")
        verbose_name_plural = _("frequent questions")

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        render_markdown(self, "answer", "answer_html")
        super().save(*args, **kwargs)


class TreatmentImage(models.Model):
    """An extra image shown in a treatment's gallery."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="images", verbose_name=_("treatment")
    )
    image = models.ImageField(
        _("image"), upload_to="treatments/gallery/", validators=[validate_image_file]
    )
    alt_text = models.CharField(
        _("description"),
        max_length=200,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = InvalidatingQuerySet["TreatmentImage"].as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args, **kwargs) -> None:
        sync_renditions(self, "image", "renditions")
        super().save(*args, **kwargs)

    @property
    def picture(self) -> ResponsiveImage:
        return ResponsiveImage(self.image, self.renditions, self.alt_text)
