"""The standard microneedling screening questionnaire (PRODUCT.md).

Each entry becomes one ``booking.models.ScreeningQuestion``. ``key`` only links a
follow-up to its parent here; it is not stored. Positions leave gaps of ten so
editors can slot questions in between.
"""

from typing import Any

from booking.choices import Outcome, QuestionKind, YesNo

BLOCKS = Outcome.BLOCKS_BOOKING
REVIEW = Outcome.NEEDS_REVIEW
INSTRUCTION = Outcome.INSTRUCTION
NONE = Outcome.NONE

QUESTIONS: list[dict[str, Any]] = [
    # Answers that stop online booking.
    {
        "key": "pregnant",
        "text": "Are you pregnant, or are you breastfeeding?",
        "outcome": BLOCKS,
        "public_label": "You are pregnant or breastfeeding",
        "patient_message": (
            "We do not offer microneedling during pregnancy or while breastfeeding, partly "
            "because the numbing cream should not be used then. We would be glad to see you "
            "afterwards."
        ),
    },
    {
        "key": "infection",
        "text": "Do you have a skin infection at the moment?",
        "help_text": "For example an infected spot, impetigo, a fungal rash or a wart.",
        "outcome": BLOCKS,
        "public_label": "You have an active skin infection",
        "patient_message": (
            "Microneedling has to wait until a skin infection has fully cleared. Please "
            "contact us once it has, and we will find you a time."
        ),
    },
    {
        "key": "open_skin",
        "text": "Do you have a cold sore, an open wound or broken skin on the area to be treated?",
        "outcome": BLOCKS,
        "public_label": "You have a cold sore, an open wound or broken skin on the area",
        "patient_message": (
            "The area needs to be fully healed before microneedling, because treating over a "
            "cold sore or open skin can make it worse. You are welcome to book once it has "
            "healed."
        ),
    },
    {
        "key": "skin_cancer",
        "text": (
            "Do you have skin cancer on the area to be treated, or are you being treated for "
            "it there?"
        ),
        "outcome": BLOCKS,
        "public_label": "You have active skin cancer on the area",
        "patient_message": (
            "We cannot offer microneedling on an area with active skin cancer. Please speak "
            "with your doctor, and contact us if you would like to talk it through."
        ),
    },
    {
        "key": "isotretinoin_now",
        "text": (
            "Are you taking isotretinoin at the moment (for example Accutane, Roaccutane or "
            "Absorica)?"
        ),
        "help_text": "Isotretinoin is a tablet prescribed for severe acne.",
        "outcome": BLOCKS,
        "public_label": "You are taking isotretinoin (for example Accutane)",
        "patient_message": (
            "Microneedling is not done while you are taking isotretinoin. Please get in touch "
            "when your course has finished, and we will tell you when you can book."
        ),
    },
    {
        "key": "isotretinoin_past",
        "text": "Have you taken isotretinoin in the past 12 months?",
        "help_text": "Include any course you finished in the last 12 months.",
        "outcome": NONE,
    },
    {
        "key": "isotretinoin_last_dose",
        "parent": "isotretinoin_past",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": "When did you take your last dose?",
        "help_text": "An approximate date is fine if you do not remember the exact day.",
        "outcome": REVIEW,
        "waiting_days": 180,
        "public_label": "You stopped taking isotretinoin less than six months ago",
        "patient_message": (
            "You took isotretinoin less than six months ago, so the earliest date you can "
            "book is six months after your last dose, and a clinician will look at your "
            "answers before confirming."
        ),
    },
    {
        "key": "bleeding_disorder",
        "text": (
            "Do you have a bleeding or clotting disorder, such as haemophilia or von "
            "Willebrand disease?"
        ),
        "outcome": BLOCKS,
        "public_label": "You have a bleeding or clotting disorder",
        "patient_message": (
            "With a bleeding or clotting disorder, microneedling is not something we can book "
            "online. Please contact us if you would like to talk about it."
        ),
    },
    {
        "key": "allergy",
        "text": (
            "Are you allergic to any metal (such as nickel) or to numbing creams (such as "
            "lidocaine)?"
        ),
        "outcome": BLOCKS,
        "public_label": "You are allergic to metals or to numbing creams such as lidocaine",
        "patient_message": (
            "The treatment uses metal needles and a numbing cream, so with this allergy we "
            "cannot book it online. Please contact us and we will talk it through with you."
        ),
    },
    {
        "key": "skin_condition",
        "text": (
            "Do you have a flare of eczema, psoriasis or rosacea, or inflamed acne (red, "
            "swollen or cystic spots), on the area to be treated?"
        ),
        "outcome": BLOCKS,
        "public_label": (
            "You have a flare of eczema, psoriasis or rosacea, or inflamed acne, on the area"
        ),
        "patient_message": (
            "Microneedling has to wait until the skin on the area has calmed down. Please "
            "contact us when it has settled, and we will find you a time."
        ),
    },
    {
        "key": "sunburn",
        "text": "Have you had sunburn on the area to be treated in the last two weeks?",
        "outcome": BLOCKS,
        "public_label": "You have had sunburn on the area in the last two weeks",
        "patient_message": (
            "Sunburnt skin needs time to recover first. You are welcome to book once two weeks "
            "have passed since the sunburn."
        ),
    },
    # Answers a clinician looks at before the appointment is confirmed.
    {
        "key": "keloids",
        "text": "Do you tend to get keloids or raised, thickened scars after a cut or surgery?",
        "outcome": REVIEW,
        "public_label": "You tend to get keloids or raised scars",
        "patient_message": (
            "Because you tend to get raised scars, a clinician will look at your answers "
            "before your appointment is confirmed."
        ),
    },
    {
        "key": "blood_thinners",
        "text": (
            "Do you take medicine that thins the blood, such as warfarin, apixaban, "
            "rivaroxaban or clopidogrel, or a daily aspirin prescribed by your doctor?"
        ),
        "help_text": (
            "Please do not stop a medicine your doctor prescribed without asking them first."
        ),
        "outcome": REVIEW,
        "public_label": (
            "You take blood-thinning medicine (including a daily aspirin prescribed by a doctor)"
        ),
        "patient_message": (
            "Because you take blood-thinning medicine, a clinician will look at your answers "
            "before your appointment is confirmed. Please keep taking it unless your doctor "
            "tells you otherwise."
        ),
    },
    {
        "key": "cold_sore_history",
        "text": "Have you ever had cold sores?",
        "help_text": "Cold sores are small blisters, usually around the lips (herpes simplex).",
        "outcome": REVIEW,
        "public_label": "You get cold sores from time to time",
        "patient_message": (
            "Because you have had cold sores, a clinician will look at your answers before "
            "your appointment is confirmed. They may suggest medicine to help prevent an "
            "outbreak after the treatment."
        ),
    },
    {
        "key": "diabetes",
        "text": "Do you have diabetes?",
        "outcome": REVIEW,
        "public_label": "You have diabetes",
        "patient_message": (
            "Because you have diabetes, a clinician will look at your answers before your "
            "appointment is confirmed."
        ),
    },
    {
        "key": "immune",
        "text": (
            "Do you have an autoimmune condition or a weakened immune system, or do you take "
            "medicine that suppresses the immune system?"
        ),
        "help_text": "For example lupus, or steroid tablets or other medicines after a transplant.",
        "outcome": REVIEW,
        "public_label": "You have an autoimmune condition or a weakened immune system",
        "patient_message": (
            "Because of your immune system, a clinician will look at your answers before your "
            "appointment is confirmed."
        ),
    },
    {
        "key": "cancer_treatment",
        "text": "Have you had chemotherapy or radiotherapy in the past 12 months?",
        "outcome": REVIEW,
        "public_label": "You have had chemotherapy or radiotherapy in the past 12 months",
        "patient_message": (
            "Because you have had chemotherapy or radiotherapy recently, a clinician will look "
            "at your answers before your appointment is confirmed."
        ),
    },
    {
        "key": "recent_procedures",
        "kind": QuestionKind.DATE,
        # PRODUCT.md's wording says "anti-wrinkle injections"; "treatment (for example
        # Botox)" says the same without the word the site avoids next to microneedling.
        "text": (
            "When did you last have filler, anti-wrinkle treatment (for example Botox), a "
            "chemical peel or laser treatment in the area? Leave empty if not in the last "
            "3 months."
        ),
        "outcome": REVIEW,
        "waiting_days": 14,
        "public_label": (
            "You had filler, anti-wrinkle treatment, a chemical peel or laser on the area in "
            "the last two weeks"
        ),
        "patient_message": (
            "You had another treatment on the area recently, so the earliest date you can "
            "book is two weeks after it, and a clinician will look at your answers before "
            "confirming."
        ),
    },
    # Answers that add an instruction to the confirmation.
    {
        "key": "nsaids",
        "text": (
            "Do you take anti-inflammatory painkillers such as ibuprofen or naproxen, or "
            "aspirin that a doctor did not prescribe?"
        ),
        "outcome": INSTRUCTION,
        "instruction": (
            "Please stop ibuprofen, naproxen and aspirin 3–5 days before your visit, unless "
            "your doctor prescribed them: in that case keep taking them and let us know."
        ),
    },
    {
        "key": "retinoids",
        "text": (
            "Do you use retinoid or retinol creams, or exfoliating acids (such as glycolic or "
            "salicylic acid), on the area to be treated?"
        ),
        "outcome": INSTRUCTION,
        "instruction": (
            "Please stop retinoid and retinol products and exfoliating acids on the area "
            "3 days before your visit."
        ),
    },
]
