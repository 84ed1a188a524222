"""The standard microneedling screening questionnaire (PRODUCT.md).

Each entry becomes one ``booking.models.ScreeningQuestion``. ``key`` is stored as the
question's ``content_key``: it links a follow-up to its parent here, and lets
``load_clinic_content`` find the question again to correct it, only while staff have not
edited it (booking/content/loading.py). Positions leave gaps of ten so editors can slot
questions in between.

Waiting periods (days after the date the patient gives), chosen on the conservative side
of usual practice; a clinician reviews every one of them while it runs:
- filler or anti-wrinkle injections: 14 (until swelling has settled and the product has
  integrated);
- light (superficial) peel: 14 (the skin has re-surfaced);
- medium or deep peel: 90 (the deeper layers take months to recover);
- ablative laser resurfacing (CO2, erbium): 180 (three to six months are usual; we take
  the longer end);
- non-ablative laser or light (IPL, fractional non-ablative, laser hair removal): 30;
- isotretinoin, last dose: 180 (six months, the usual advice);
- sunburn on the area: 14 (healed, no peeling or redness);
- waxing, epilation or hair-removal creams on the area: 5 (the skin barrier has
  recovered; usual advice is "a few days" to a week).
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
            "We do not offer microneedling during pregnancy or while breastfeeding: there is "
            "little safety information for this time, and the skin is more likely to develop "
            "dark patches then. We would be glad to see you afterwards."
        ),
    },
    {
        "key": "infection",
        "text": "Do you have a skin infection on or near the area to be treated at the moment?",
        "help_text": "For example an infected spot, impetigo, a fungal rash or a wart there.",
        "outcome": BLOCKS,
        "public_label": "You have an active skin infection on the area",
        "patient_message": (
            "Microneedling has to wait until the infection on the area has fully cleared. "
            "Please contact us once it has, and we will find you a time."
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
        "key": "changing_mole",
        "text": (
            "Is there a mole or spot on the area to be treated that is new, or that has "
            "changed in size, shape or colour, bleeds or does not heal?"
        ),
        "outcome": BLOCKS,
        "public_label": "You have a new or changing mole or spot on the area",
        "patient_message": (
            "A new or changing mole or spot should be checked by a doctor before the area is "
            "treated. Once it has been checked, contact us and we will find you a time."
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
        "key": "allergy",
        "text": (
            "Are you allergic to any metal (such as nickel) or to numbing creams (such as "
            "lidocaine)?"
        ),
        "outcome": REVIEW,
        "public_label": "You are allergic to metals or to numbing creams such as lidocaine",
        "patient_message": (
            "Because of your allergy, a clinician will look at your answers before your "
            "appointment is confirmed: other needles and numbing products can often be used "
            "instead."
        ),
    },
    {
        "key": "face_area",
        "text": "Is the area to be treated on your face?",
        "help_text": "Answer “No” if only other areas, such as the thighs or abdomen, are treated.",
        "outcome": NONE,
    },
    {
        "key": "cold_sore_history",
        "parent": "face_area",
        "parent_answer": YesNo.YES,
        "text": "Have you ever had cold sores?",
        "help_text": "Cold sores are small blisters, usually around the lips (herpes simplex).",
        "outcome": REVIEW,
        "public_label": "Your face is to be treated and you get cold sores from time to time",
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
        "key": "pigment_history",
        "text": (
            "Do you have melasma, or have you had dark marks that stayed after a spot, "
            "injury, burn or other treatment?"
        ),
        "help_text": (
            "Melasma is patchy brown colouring, often on the cheeks, forehead or upper lip."
        ),
        "outcome": REVIEW,
        "public_label": "You have melasma or get dark marks after the skin is inflamed or hurt",
        "patient_message": (
            "Because your skin tends to darken after inflammation, a clinician will look at "
            "your answers before your appointment is confirmed. They may suggest a test patch "
            "or gentler settings."
        ),
    },
    {
        "key": "vitiligo_psoriasis",
        "text": "Do you have vitiligo or psoriasis, even if it is calm at the moment?",
        "help_text": (
            "With these conditions, small injuries to the skin can sometimes start new patches."
        ),
        "outcome": REVIEW,
        "public_label": "You have vitiligo or psoriasis",
        "patient_message": (
            "Because vitiligo and psoriasis can appear where the skin is injured, a clinician "
            "will look at your answers before your appointment is confirmed."
        ),
    },
    {
        "key": "tattoo",
        "text": "Do you have a tattoo or permanent make-up on the area to be treated?",
        "help_text": "For example microbladed eyebrows, or tattooed eyeliner or lip colour.",
        "outcome": REVIEW,
        "public_label": "You have a tattoo or permanent make-up on the area",
        "patient_message": (
            "We do not needle over tattoos or permanent make-up, so a clinician will look at "
            "your answers and plan the treatment around them before your appointment is "
            "confirmed."
        ),
    },
    {
        "key": "implants",
        "text": (
            "Do you have thread lifts, or permanent or long-lasting filler (such as silicone), "
            "in the area to be treated?"
        ),
        "outcome": REVIEW,
        "public_label": "You have threads or permanent filler in the area",
        "patient_message": (
            "Because of the threads or filler in the area, a clinician will look at your "
            "answers before your appointment is confirmed."
        ),
    },
    # Recent treatments on the area: one yes/no question, then a date for each, with its
    # own waiting period (see the module docstring). The seven dates follow the "Yes":
    # with it, at least one date is needed (booking/screening.py), so a clinician knows
    # which waiting period runs. "Past 6 months" covers the longest wait (laser
    # resurfacing, 180 days). PRODUCT.md's wording says "anti-wrinkle injections";
    # "treatment (for example Botox)" says the same without the word the site avoids next
    # to microneedling.
    {
        "key": "recent_treatments",
        "text": (
            "In the past 6 months, have you had any of these on the area to be treated: "
            "filler or anti-wrinkle treatment, a chemical peel, laser or light treatment, "
            "sunburn, or waxing or other hair removal?"
        ),
        "help_text": (
            "Shaving does not count. If you answer “Yes”, give the date of the ones you had "
            "(an approximate date is fine)."
        ),
        "outcome": NONE,
    },
    {
        "key": "filler_botox_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have filler or anti-wrinkle treatment (for example Botox) in "
            "the area? Leave empty if you did not have any."
        ),
        "outcome": REVIEW,
        "waiting_days": 14,
        "public_label": (
            "You had filler or anti-wrinkle treatment in the area in the last two weeks"
        ),
        "patient_message": (
            "You had filler or anti-wrinkle treatment in the area recently, so the earliest "
            "date you can book is two weeks after it, and a clinician will look at your "
            "answers before confirming."
        ),
    },
    {
        "key": "light_peel_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have a light chemical peel on the area? Leave empty if you "
            "did not have one."
        ),
        "help_text": (
            "A light peel leaves the skin pink or flaky for a few days at most, for example a "
            "glycolic or salicylic peel."
        ),
        "outcome": REVIEW,
        "waiting_days": 14,
        "public_label": "You had a light chemical peel on the area in the last two weeks",
        "patient_message": (
            "You had a peel on the area recently, so the earliest date you can book is two "
            "weeks after it, and a clinician will look at your answers before confirming."
        ),
    },
    {
        "key": "deep_peel_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have a medium or deep chemical peel on the area? Leave empty "
            "if you did not have one."
        ),
        "help_text": (
            "For example a TCA or phenol peel, with a week or more of peeling or crusting. If "
            "you are not sure which kind you had, enter it here."
        ),
        "outcome": REVIEW,
        "waiting_days": 90,
        "public_label": "You had a medium or deep chemical peel on the area in the last 3 months",
        "patient_message": (
            "After a medium or deep peel the skin needs about three months to recover, so "
            "that is the earliest date you can book, and a clinician will look at your "
            "answers before confirming."
        ),
    },
    {
        "key": "ablative_laser_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have laser resurfacing (such as CO2 or erbium laser) on the "
            "area? Leave empty if you did not have it."
        ),
        "help_text": (
            "Resurfacing lasers remove a layer of skin and leave it raw or crusted for "
            "several days. If you are not sure which kind of laser you had, enter it here."
        ),
        "outcome": REVIEW,
        "waiting_days": 180,
        "public_label": "You had laser resurfacing on the area in the last 6 months",
        "patient_message": (
            "After laser resurfacing the skin needs about six months to recover, so that is "
            "the earliest date you can book, and a clinician will look at your answers "
            "before confirming."
        ),
    },
    {
        "key": "other_laser_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have another laser or light treatment on the area (such as "
            "IPL or laser hair removal)? Leave empty if you did not have one."
        ),
        "help_text": "Treatments that leave the skin intact, with redness for a day or two.",
        "outcome": REVIEW,
        "waiting_days": 30,
        "public_label": "You had a laser or light treatment on the area in the last month",
        "patient_message": (
            "You had a laser or light treatment on the area recently, so the earliest date "
            "you can book is a month after it, and a clinician will look at your answers "
            "before confirming."
        ),
    },
    # These two add an instruction to the confirmation (and set the earliest date).
    {
        "key": "sunburn_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last have sunburn on the area to be treated? Leave empty if you did not."
        ),
        "outcome": INSTRUCTION,
        "waiting_days": 14,
        "instruction": (
            "Keep the area to be treated out of the sun before your visit. If the skin there "
            "is still red, sore or peeling on the day, contact us to move your visit."
        ),
    },
    {
        "key": "hair_removal_date",
        "parent": "recent_treatments",
        "parent_answer": YesNo.YES,
        "kind": QuestionKind.DATE,
        "text": (
            "When did you last wax, use an epilator or use a hair-removal cream on the area "
            "to be treated? Leave empty if you did not."
        ),
        "help_text": "Shaving does not count.",
        "outcome": INSTRUCTION,
        "waiting_days": 5,
        "instruction": (
            "Please do not wax, epilate or use hair-removal creams on the area to be treated "
            "in the 5 days before your visit."
        ),
    },
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
