"""The microneedling page: treatment facts, the seven sections and the FAQs.

Written for patients from the facts in the seed documents, with their
contradictions resolved as PRODUCT.md asks: numbing cream 45–60 minutes,
needling about 30 minutes, the whole visit up to about two hours; minimally
invasive; discomfort is mild thanks to the numbing cream.

Corrected after a clinical read (issue 10, docs/clinical-content.md): claims kept to what
the evidence supports, the pigment risk for darker skin and melasma, sterile products
only on needled skin, and one sun-protection rule everywhere (``SUN_PROTECTION``).
Editors change all of this in admin afterwards; ``load_clinic_content`` applies such
corrections only to text nobody has edited.
"""

from decimal import Decimal
from typing import Any

SLUG = "microneedling"

# The one sun-protection rule, used word for word wherever the page, the instructions
# and the emails mention it.
SUN_PROTECTION = (
    "For at least the first week after each session, keep the treated skin out of direct "
    "sun and use a broad-spectrum SPF 30–50 sunscreen every day."
)

TREATMENT: dict[str, Any] = {
    "name": "Microneedling",
    "slug": SLUG,
    "summary": (
        "Microneedling, also called collagen induction therapy, uses a sterile device with "
        "very fine needles to make tiny, controlled channels in the skin. Your skin's own "
        "repair process answers by making new collagen and elastin, which can gradually "
        "soften acne scars, fine lines, enlarged pores and uneven texture. The visit takes "
        "up to about two hours, including time for the numbing cream to work."
    ),
    "seo_description": (
        "Microneedling in Tijuana: a minimally invasive treatment that helps your skin renew "
        "its collagen for smoother texture, softer scars and finer lines."
    ),
    "session_minutes": 30,
    "visit_minutes": 120,
    "buffer_minutes": 15,
    "price_from": Decimal("180.00"),
    "sessions_min": 3,
    "sessions_max": 6,
    "spacing_weeks_min": 4,
    "spacing_weeks_max": 6,
    "is_published": True,
    "is_featured": True,
    "position": 10,
    "visit_instructions": "\n".join(
        [
            "Arrive about 10 minutes early so the numbing cream can go on as soon as your "
            "visit starts.",
            "Come with clean skin and no makeup on the area to be treated.",
            "Allow up to about 2 hours for the whole visit.",
            "Avoid alcohol and hard exercise for 24 hours before your visit.",
            "Keep the area out of strong sun and away from tanning beds in the days before.",
            SUN_PROTECTION,
            "Bring a hat and sunscreen for the journey home.",
        ]
    ),
    "hero_image_alt": (
        "Illustration of the layers of the skin with fine collagen fibres and tiny needle "
        "points at the surface, in soft peach and teal tones."
    ),
}

HOW_IT_WORKS = """\
Microneedling, also known as collagen induction therapy, is a minimally invasive skin \
treatment. Your practitioner moves a device fitted with very fine, sterile needles over \
the skin. The needles open thousands of tiny, controlled channels in its surface.

Your skin treats these channels as small injuries and starts its natural repair process. \
Part of that repair is making new **collagen** and **elastin**, the two proteins that \
keep skin firm and supple. Over the following weeks the renewed skin tends to look \
smoother and finer in texture.

A few things worth knowing:

- The needle depth is set for your skin and for the concern being treated, so your plan \
is made for you.
- While the channels are open, products put on the skin reach further into it. That is why \
we only use sterile products made for use on freshly needled skin: other serums and \
creams have caused lasting lumps (granuloma-type reactions).
- Because the change comes from your own skin's repair, improvement builds gradually \
rather than appearing overnight.
- The face is the most common area, but other areas can be treated too, for example \
stretch marks on the thighs or abdomen.
"""

BENEFITS = """\
Microneedling can give a modest improvement in some common skin concerns. Results differ \
from person to person, and your practitioner will tell you honestly what is realistic \
for your skin.

The best evidence is for:

- softening the look of acne scars, especially rolling and boxcar scars, and some other \
scars
- smoothing rough or uneven skin texture
- reducing the appearance of fine lines

It may also help to:

- make enlarged pores less visible
- reduce the appearance of stretch marks

Results on dark spots and uneven colour vary: some people see them soften, and in others, \
especially people with darker skin or melasma, the colour can get worse. Microneedling \
does not tighten skin that has become loose.

### Why people choose it

- **Little time off:** the redness usually settles within one to three days, and most \
people go back to their normal routine as soon as they feel comfortable.
- **It works with your own skin:** the improvement comes from your skin's repair process; \
nothing is left in the skin.
- **Made for you:** the areas treated and the depth of the needles are adjusted to your \
skin and your goals.
- **Can be used on many skin types**, after a check of your health history and your skin. \
With darker skin we take extra care over dark marks (see the risks below).
"""

RISKS = """\
Microneedling is generally well tolerated, and most side effects are mild and short-lived. \
It does open the skin, though, so it carries some risk. Your practitioner will go through \
these with you before your first session.

### Common and expected

- **Redness and mild swelling**, rather like a mild sunburn, usually settling within one \
to three days.
- **Warmth, tightness, itching or sensitivity** for a day or two.
- **Pinpoint bleeding** during the treatment and, now and then, **small bruises**, more \
likely where the needles work deeper.
- **Dryness and light flaking** over the following days as the skin renews.

### Less common or rare

- **Infection.** The needles are sterile, and the risk stays small when aftercare is \
followed.
- **Changes in skin colour.** Darker patches after the skin has been inflamed \
(post-inflammatory hyperpigmentation) are uncommon overall, but more likely in darker skin \
types, in people with melasma and when the skin gets sun while it heals; lighter patches \
are rarer. If this applies to you, we discuss it at your consultation and may suggest a \
test patch or gentler settings first. These patches usually fade over weeks to months.
- **Scarring**, which is rare.
- **A cold sore outbreak** in people who get cold sores. If you have had them before, tell \
us: the clinician may advise medicine to help prevent one.
- **Irritation or a reaction to products** put on the skin during or straight after the \
treatment. Lasting lumps (granuloma-type reactions) have been reported when products not \
made for needled skin were used; we only use sterile products made for it.

Careful technique by a trained practitioner and good aftercare keep these risks low. If \
redness, swelling or pain gets worse instead of better after the first few days, or you \
notice pus or a fever, contact us straight away.

The health questionnaire you fill in when you book checks for reasons microneedling may \
not be right for you, or may need to wait. They are listed below.
"""

PREPARATION = """\
When you book online you answer a short health questionnaire. It picks up anything that \
means your treatment should wait, or that a clinician should look at first. Please answer \
it carefully; only our clinical staff see your answers.

### In the days before

- **Painkillers:** if you take ibuprofen, naproxen or aspirin that a doctor did not \
prescribe, stop 3–5 days before your visit. Never stop a medicine your doctor prescribed \
without asking them first; just tell us about it.
- **Isotretinoin (for example Accutane):** this has to be stopped well before \
microneedling. The questionnaire asks when you last took it.
- **Skin care:** stop retinoids, retinol and exfoliating acids (such as glycolic or \
salicylic acid) on the area 3 days before. If you are unsure about a product, ask us.
- **Sun:** avoid tanning, sunbeds and strong sun on the area for several days. If you get \
sunburnt there, the questionnaire asks when, and your visit waits until it has healed.
- **Hair removal:** do not wax, epilate or use hair-removal creams on the area in the 5 \
days before. Shaving is fine.
- **Healthy skin:** the area should be free of infection, cold sores, open wounds and \
inflamed acne. If something flares up, contact us and we will find you a new time.

### The day before and on the day

- Avoid alcohol and hard exercise for 24 hours before.
- Drink plenty of water.
- Come with clean skin and no makeup on the area.
- Arrive about 10 minutes early so the numbing cream can go on straight away.

### Travelling from the United States

- Allow plenty of time for the journey and for the border crossing. The visit itself can \
take up to about two hours.
- Bring a hat and sunscreen for the trip home.
- Bring a list of the medicines you take.
"""

WHAT_TO_EXPECT = """\
Plan for up to about two hours at the clinic. Most of that time is for the numbing cream \
to work; the needling itself takes about 30 minutes.

1. **Welcome and skin check.** Your practitioner goes over your health answers, looks at \
your skin, and agrees with you which areas to treat and how deep to work.
2. **Cleansing.** The area is cleaned to remove any makeup, oil and impurities.
3. **Numbing cream.** A numbing (topical anaesthetic) cream is applied and left on for \
45–60 minutes while you relax.
4. **Microneedling.** The cream is removed, a sterile product made for needled skin may be \
applied, and the device is passed evenly over the skin, one small area at a time. This \
takes about 30 minutes. Most people feel a light scratching or vibration; thanks to the \
numbing cream the discomfort is mild. Keeping still helps, and you can ask for a pause at any time.
5. **Soothing and aftercare.** A calming product is applied, and we go through your \
aftercare with you and give it to you in writing.

Straight afterwards your skin will look pink to red, like a mild sunburn, and may feel \
warm and tight. You can go home as soon as you are ready.
"""

AFTERCARE = f"""\
Good aftercare helps your skin heal smoothly and keeps the risk of side effects low. Your \
practitioner will give you instructions for your skin; these are the general rules.

### The first 24 hours

- Touch the treated skin as little as possible, and only with clean hands.
- Wear no makeup for at least 24 hours, and wait until your skin has settled before you \
wear coloured makeup on the area.
- If you need to wash, use lukewarm water and a mild cleanser.

### The first 48 hours

- Avoid saunas, tanning beds, hard exercise and alcohol.
- Use only the products we give or recommend. For the first day or two, put nothing else on \
the treated skin, not even serums you use at home: they are not made for skin with open \
channels.
- After that, use a gentle, soothing moisturiser, for example one with panthenol or aloe \
vera.

### The first week

- Protect the skin from the sun: it is more sensitive for a while, and sun raises the \
risk of dark marks. {SUN_PROTECTION} A hat helps too.
- Leave out harsh products, such as retinoids, exfoliating acids and scrubs, until your \
skin has fully settled.
- Let any flaking skin come away by itself; do not pick or scrub it.

### When to contact us

If redness, swelling or pain gets worse rather than better after two or three days, or \
you notice pus or a fever, contact us straight away. If you have gone home to the United \
States, call or email us and we will advise you.
"""

RESULTS = """\
Many people notice a fresh glow within one to two days, once the first redness has faded. \
The deeper change takes longer: new collagen builds up gradually, so the clearest \
improvement usually shows around a month after a session and keeps developing after that.

### How many sessions

- Most people start with a course of **3 to 6 sessions**, spaced **4 to 6 weeks apart** \
so the skin can repair between them.
- The right number depends on your skin and what you would like to improve; scars, for \
example, usually need a course of several sessions.
- To keep your results, a maintenance session every **6 to 12 months** is often \
recommended.

### Realistic expectations

Microneedling improves the look of the skin step by step, and the change is usually \
modest. It softens scars and lines rather than erasing them, it does not lift loose \
skin, and results vary from person to person. Sun protection and a gentle skincare \
routine help you keep the improvement. At your first visit we will \
talk through what you can expect for your skin.
"""

# (kind, title, body) in reading order; kinds are treatments.models.SectionKind values.
SECTIONS = [
    ("how_it_works", "How microneedling works", HOW_IT_WORKS),
    ("benefits", "What microneedling can help with", BENEFITS),
    ("risks", "Risks and side effects", RISKS),
    ("preparation", "Preparing for your visit", PREPARATION),
    ("what_to_expect", "What to expect on the day", WHAT_TO_EXPECT),
    ("aftercare", "Aftercare", AFTERCARE),
    ("results", "Results and number of sessions", RESULTS),
]

# (key, question, answer in Markdown), in the order they are shown. The key lets
# load_clinic_content find a question again to correct it.
FAQS = [
    (
        "pain",
        "Does microneedling hurt?",
        "Most people describe it as a light scratching or vibrating feeling. Numbing cream "
        "goes on 45–60 minutes before the treatment, so the discomfort is mild. You can ask "
        "for a pause at any time. Afterwards the skin may feel warm and tight, like a mild "
        "sunburn, for a day or two.",
    ),
    (
        "visit_length",
        "How long does the appointment take?",
        "Up to about two hours in total. The numbing cream needs 45–60 minutes to work, the "
        "microneedling itself takes about 30 minutes, and the rest of the time is for your "
        "skin check and aftercare.",
    ),
    (
        "sessions",
        "How many sessions will I need?",
        "Most people have a course of 3 to 6 sessions, 4 to 6 weeks apart. Your practitioner "
        "will suggest a plan for your skin and goals. To keep the results, a maintenance "
        "session every 6 to 12 months is often recommended.",
    ),
    (
        "results_timing",
        "When will I see results?",
        "Many people see a fresh glow within one to two days. Because new collagen forms "
        "gradually, the clearest improvement usually appears about a month after a session "
        "and keeps building with each session in your course.",
    ),
    (
        "downtime",
        "How much time off will I need?",
        "Usually very little. Expect redness and mild swelling for one to three days. Wear no "
        "makeup for at least 24 hours, and avoid saunas, hard exercise and alcohol for 48 "
        "hours. Most people go back to work or school as soon as they feel comfortable.",
    ),
    (
        "skin_types",
        "Is microneedling suitable for my skin type?",
        "It can be used on many skin types. Darker patches after treatment are more likely "
        "in darker skin types, in people with melasma and with sun on the healing skin. If "
        "that applies to you, we talk it through at your consultation and may suggest a test "
        "patch or gentler settings first. We check your health answers and your skin before "
        "treating you. " + SUN_PROTECTION,
    ),
    (
        "pregnancy",
        "Can I have microneedling while pregnant or breastfeeding?",
        "No. We do not offer microneedling during pregnancy or while breastfeeding. There is "
        "little information on its safety at this time, and the skin is more prone to dark "
        "patches during pregnancy. We will be happy to see you afterwards.",
    ),
    (
        "cold_sores",
        "I sometimes get cold sores. Can I still book?",
        "Yes, as long as you do not have a cold sore now. If your face is being treated, "
        "tell us in the questionnaire: a clinician will look at your answers before your "
        "appointment is confirmed, and may "
        "advise medicine to help prevent an outbreak after the treatment. If a cold sore "
        "appears before your visit, contact us to move your appointment.",
    ),
    (
        "stop_before",
        "What should I stop taking or using before my visit?",
        "- Ibuprofen, naproxen or aspirin that a doctor did not prescribe: stop 3–5 days "
        "before.\n"
        "- Retinoids, retinol and exfoliating acids on the area: stop 3 days before.\n"
        "- Isotretinoin (for example Accutane) has to be stopped well before; the "
        "questionnaire asks when you last took it.\n\n"
        "Never stop a medicine your doctor prescribed without asking them first.",
    ),
    (
        "areas",
        "Which areas can be treated?",
        "The face is the most common area. Other parts of the body can be treated too, for "
        "example the thighs or abdomen for stretch marks. Your practitioner will tell you "
        "what is suitable at your visit.",
    ),
    (
        "makeup",
        "Can I wear makeup after the treatment?",
        "Please wait at least 24 hours, and keep coloured makeup off the area until your skin "
        "has settled. After that, makeup can cover any redness that is left.",
    ),
    (
        "home_roller",
        "Is a home derma roller the same thing?",
        "No. Devices sold for home use work much more on the surface and do not give the "
        "same results as a professional treatment. If you are thinking of using anything "
        "like this between sessions, ask your practitioner first.",
    ),
    (
        "travel",
        "I am travelling from the United States. What should I plan for?",
        "Appointment times on this site are Tijuana local time. Allow time for the border "
        "crossing and up to about two hours for the visit. Bring a hat and sunscreen for the "
        "journey home, and a list of the medicines you take. If you have questions after "
        "you get home, call or email us.",
    ),
    (
        "review",
        "What happens if a clinician needs to review my answers?",
        "Some answers, such as taking blood-thinning medicine, mean a clinician looks at "
        "your questionnaire before your appointment is confirmed. Your time is kept for you "
        "in the meantime, and we will let you know by email once it is confirmed, or contact "
        "you if we need to talk first.",
    ),
]
