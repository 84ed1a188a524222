"""The one way tests build data: factory_boy factories, one module per app.

Each factory makes a realistic row with the fewest arguments; a test states only what
its behaviour depends on (``AppointmentFactory(starts_at=..., status=Status.HELD)``).
``.build()`` gives an unsaved object (for ``bulk_create``, which sends no signal).
Fixtures (tests/conftest.py, tests/booking/conftest.py) are thin wrappers over these.
"""

from tests.factories.booking import (
    EVERY_DAY,
    TIJUANA,
    AppointmentChangeFactory,
    AppointmentFactory,
    ClosureFactory,
    ConsentFactory,
    PatientEmailFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    ScreeningQuestionFactory,
    WorkingHoursFactory,
    filler_question,
    questionnaire,
)
from tests.factories.clinic import ClinicProfileFactory, PrivacyNoticeFactory, TOTPDeviceFactory
from tests.factories.treatments import (
    FAQFactory,
    SectionFactory,
    TreatmentFactory,
    TreatmentImageFactory,
    image_bytes,
    image_upload,
)

__all__ = [
    "EVERY_DAY",
    "TIJUANA",
    "AppointmentChangeFactory",
    "AppointmentFactory",
    "ClinicProfileFactory",
    "ClosureFactory",
    "ConsentFactory",
    "FAQFactory",
    "PatientEmailFactory",
    "PractitionerFactory",
    "PrivacyNoticeFactory",
    "ScreeningAnswerFactory",
    "ScreeningFactory",
    "ScreeningQuestionFactory",
    "SectionFactory",
    "TOTPDeviceFactory",
    "TreatmentFactory",
    "TreatmentImageFactory",
    "WorkingHoursFactory",
    "filler_question",
    "image_bytes",
    "image_upload",
    "questionnaire",
]
