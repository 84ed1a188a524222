"""The clinic profile.

The address is the one in seed 004; the name, phone and email are invented
(the phone is a placeholder and the email uses the reserved ``.example`` domain)
and must be replaced in admin before going live.
"""

from urllib.parse import quote

ADDRESS_FOR_MAP = (
    "Blvd. General Sánchez Taboada 9589, Zona Urbana Río, 22010 Tijuana, Baja California, México"
)

PROFILE = {
    "name": "Río Skin Clinic",
    "tagline": "Careful, unhurried skin treatments in Zona Río, Tijuana.",
    "about": (
        "Río Skin Clinic is a small aesthetic clinic in Tijuana's Zona Río. We focus on a few "
        "treatments and do them carefully: "
        "every visit starts with a look at your health history and your skin, and we take the "
        "time to explain what a treatment can and cannot do before we begin. Our team speaks "
        "Spanish and English, and many of our patients travel from the United States."
    ),
    "street_address": (
        "Urban Center Building, Blvd. General Sánchez Taboada 9589, Suite 102, 1st floor, "
        "Zona Urbana Río"
    ),
    "locality": "Tijuana",
    "region": "B.C.",
    "postal_code": "22010",
    "country": "México",
    "country_code": "MX",
    "map_url": "https://www.openstreetmap.org/search?query=" + quote(ADDRESS_FOR_MAP),
    "phone": "+52 664 555 0142",
    "email": "hello@rioskinclinic.example",
    # Matches the demo practitioners' hours (booking/content/practitioners.py): someone is
    # in from 9:00 to 19:00 Tuesday–Saturday.
    "opening_hours": "\n".join(
        [
            "Monday: 9:00–18:00",
            "Tuesday–Saturday: 9:00–19:00",
            "Sunday: closed",
        ]
    ),
    "time_zone": "America/Tijuana",
    "currency": "USD",
}

# The profile's texts in Spanish (clinic/translation.py); the rest is the same in both.
PROFILE_ES = {
    "tagline": "Tratamientos de la piel con cuidado y sin prisas, en la Zona Río de Tijuana.",
    "about": (
        "Río Skin Clinic es una pequeña clínica estética en la Zona Río de Tijuana. Nos "
        "enfocamos en pocos tratamientos y los hacemos con cuidado: cada visita empieza con "
        "una revisión de su historial de salud y de su piel, y nos tomamos el tiempo de "
        "explicarle qué puede lograr un tratamiento y qué no antes de empezar. Nuestro equipo "
        "habla español e inglés, y muchos de nuestros pacientes vienen desde Estados Unidos."
    ),
    "country": "México",
    "opening_hours": "\n".join(
        [
            "Lunes: 9:00–18:00",
            "Martes a sábado: 9:00–19:00",
            "Domingo: cerrado",
        ]
    ),
}
