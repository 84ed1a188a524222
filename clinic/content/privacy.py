"""The first privacy notice (*aviso de privacidad*), written for Mexico's LFPDPPP.

Filled in when it is loaded with what is true of this site at that moment: the clinic's
name, address and contact from the clinic profile, and the retention periods the daily
``purge_patient_data`` applies (``RETENTION_*`` settings). When those change, editors
publish a new version in admin; a published version is never rewritten.
"""

from clinic.models import ClinicProfile

# Nightly database dumps are kept this long (README, "Backups and restore").
BACKUP_DAYS = 35

CHANGES = "First version."
CHANGES_ES = "Primera versión."
# The next version of a standard notice published in English only: the same notice, now
# in Spanish too.
CHANGES_WITH_SPANISH = "The same notice, now also in Spanish."
CHANGES_WITH_SPANISH_ES = "El mismo aviso, ahora también en español."


def notice_body(
    clinic: ClinicProfile, *, health_days: int, details_days: int, abandoned_hours: int
) -> str:
    """The notice as Markdown, for this clinic and these retention periods."""
    address = ", ".join(clinic.address_lines) or "the address on our contact page"
    contact = " or ".join(
        part
        for part in (
            f"by email at [{clinic.email}](mailto:{clinic.email})" if clinic.email else "",
            f"by phone on {clinic.phone}" if clinic.phone else "",
        )
        if part
    )
    reach_us = contact or "through the contact details on our contact page"
    return f"""\
This notice explains what personal data {clinic.name} collects through this website, why,
how long we keep it and how you can exercise your rights, as Mexico's Federal Law on the
Protection of Personal Data Held by Private Parties (LFPDPPP) requires.

## Who is responsible for your data

{clinic.name}, {address}, is responsible for the personal data you give us. You can reach
us {reach_us}.

## What data we collect

When you book an appointment online we ask for:

- **identification and contact data**: your full name, email address and phone number;
- **your date of birth**, to check that you are old enough for the treatment;
- **your answers to the health questions** for the treatment you choose (for example
  pregnancy, medicines, skin conditions, recent procedures), and the instructions that
  follow from them;
- **the details of your appointment**: treatment, date, time and practitioner, and any
  change you or we make to it;
- **technical data**: the internet address your booking came from and a cookie that keeps
  your booking together while you fill in the steps. We use no advertising or analytics
  cookies.

## Why we use it

- To book, move, cancel and carry out your appointment.
- For your safety: to check before booking whether the treatment is suitable for you, to
  send a request to a clinician for review when an answer needs one, and to prepare your
  visit.
- To email you the confirmation, a reminder the day before, aftercare advice after your
  visit, and changes to your appointment.
- To answer your requests about your data.
- To protect the booking from abuse (limits per internet address).

We do not use your data for advertising, and we do not sell it.

## Health data needs your express consent

Your answers to the health questions and your date of birth are **sensitive personal
data** under the LFPDPPP. We only keep them with your express consent, which you give on
the "Your details" step of the booking by ticking the box that refers to this notice.
Without it you cannot book online, but you can always book by contacting us. If an answer
means a treatment cannot be booked online, we keep nothing of what you entered.

## Who else receives your data

We do not share your data with anyone, except:

- the service providers that run this website for us and deliver our emails, who may only
  use it to provide that service and must keep it confidential;
- authorities, when a law or a court order requires it.

No other transfer is made, so none needs your consent.

## How long we keep it

- An unfinished booking, and answers that were never used for a booking, are deleted
  after {abandoned_hours} hours.
- Your answers to the health questions and your date of birth are deleted {health_days}
  days after your visit.
- Your name, email address, phone number and internet address are erased {details_days}
  days after your visit. We keep an anonymous record that the appointment took place
  (treatment, date and practitioner), so the clinic's schedule stays accurate.
- Our backups are kept for {BACKUP_DAYS} days, so anything deleted is gone from every
  backup {BACKUP_DAYS} days later.

Records made at the clinic during your visit (your clinical file) are not covered by these
periods: Mexican health regulations require clinics to keep them for several years. Ask
us and we will explain how.

## Your rights: access, rectification, cancellation, opposition

You may ask us at any time to:

- **access** your data: receive a copy of what we hold about you;
- **rectify** it when it is wrong or incomplete;
- **cancel** it: delete it, for example your health answers;
- **oppose** a particular use of it.

You can also **revoke your consent** to our use of your data, including your health data.
If you do so before your visit, we may no longer be able to carry out the treatment, and
we will tell you what that means for your appointment.

**How to ask.** Use the private link in any of our emails: its page has a "Your data"
section where you can ask for a copy of your data or the deletion of your health answers
with one click. For anything else, or if you no longer have the link, contact us {reach_us},
giving your name, the email address you booked with (or your booking reference) and what
you are asking for. We may ask you to confirm that the request comes from you.

**When we answer.** We reply within 20 business days of receiving your request, and when
we agree, we carry it out within 15 business days after our reply. If you are not
satisfied with our answer you may turn to Mexico's data protection authority.

## Changes to this notice

When we change this notice we publish the new version on this page, with its version
number, its date and a sentence saying what changed. Earlier versions stay available, and
the booking always shows the version in force when you agree to it; we keep which version
you agreed to.
"""


def notice_body_es(
    clinic: ClinicProfile, *, health_days: int, details_days: int, abandoned_hours: int
) -> str:
    """The notice in Spanish, as Markdown: the text patients in Mexico normally read, so
    the careful one, in the terms of the LFPDPPP (responsable, datos personales sensibles,
    consentimiento expreso, derechos ARCO, revocación, transferencias)."""
    address = (
        ", ".join(clinic.address_lines) or "el domicilio que aparece en nuestra página de contacto"
    )
    contact = " o ".join(
        part
        for part in (
            f"por correo electrónico a [{clinic.email}](mailto:{clinic.email})"
            if clinic.email
            else "",
            f"por teléfono al {clinic.phone}" if clinic.phone else "",
        )
        if part
    )
    reach_us = contact or "a través de los datos de nuestra página de contacto"
    return f"""\
Este aviso de privacidad explica qué datos personales recaba {clinic.name} a través de este
sitio web, para qué los usa, cuánto tiempo los conserva y cómo puede usted ejercer sus
derechos, conforme a la Ley Federal de Protección de Datos Personales en Posesión de los
Particulares (LFPDPPP) y su normativa.

## Responsable de sus datos

{clinic.name}, con domicilio en {address}, es responsable del tratamiento de los datos
personales que usted nos proporciona. Puede comunicarse con nosotros {reach_us}.

## Datos que recabamos

Cuando agenda una cita en línea le pedimos:

- **datos de identificación y contacto**: su nombre completo, correo electrónico y
  teléfono;
- **su fecha de nacimiento**, para verificar que tiene la edad necesaria para el
  tratamiento;
- **sus respuestas a las preguntas de salud** del tratamiento que elija (por ejemplo
  embarazo, medicamentos, enfermedades de la piel, procedimientos recientes) y las
  indicaciones que resultan de ellas;
- **los datos de su cita**: tratamiento, fecha, hora y especialista, y cualquier cambio que
  usted o nosotros hagamos;
- **datos técnicos**: la dirección de internet desde la que se hizo la reserva y una cookie
  que mantiene unida su reserva mientras llena los pasos. No usamos cookies de publicidad ni
  de analítica.

## Para qué usamos sus datos

Finalidades necesarias para la relación con usted:

- Agendar, cambiar, cancelar y realizar su cita.
- Su seguridad: revisar antes de agendar si el tratamiento es adecuado para usted, enviar
  su caso a revisión médica cuando una respuesta lo requiera y preparar su visita.
- Enviarle por correo la confirmación, un recordatorio el día anterior, indicaciones de
  cuidados posteriores después de su visita y los cambios a su cita.
- Atender sus solicitudes sobre sus datos.
- Proteger el sistema de reservas contra abusos (límites por dirección de internet).

No usamos sus datos para publicidad ni mercadotecnia, y no los vendemos; por eso no hay
finalidades secundarias a las que deba oponerse.

## Sus datos de salud requieren su consentimiento expreso

Sus respuestas a las preguntas de salud y su fecha de nacimiento son **datos personales
sensibles** conforme a la LFPDPPP. Solo los conservamos con su consentimiento expreso, que
usted otorga en el paso "Sus datos" de la reserva al marcar la casilla que remite a este
aviso. Sin ese consentimiento no puede agendar en línea, pero siempre puede agendar
comunicándose con nosotros. Si una respuesta impide agendar el tratamiento en línea, no
conservamos nada de lo que escribió.

## Quién más recibe sus datos

No compartimos sus datos con nadie, salvo:

- los proveedores que operan este sitio web y envían nuestros correos por encargo nuestro,
  que solo pueden usarlos para prestar ese servicio y deben guardar confidencialidad;
- las autoridades, cuando una ley o una orden judicial lo exijan.

No realizamos otras transferencias, por lo que ninguna requiere su consentimiento.

## Cuánto tiempo conservamos sus datos

- Una reserva sin terminar, y las respuestas que nunca se usaron para una cita, se
  eliminan a las {abandoned_hours} horas.
- Sus respuestas a las preguntas de salud y su fecha de nacimiento se eliminan
  {health_days} días después de su visita.
- Su nombre, correo electrónico, teléfono y dirección de internet se borran {details_days}
  días después de su visita. Conservamos un registro anónimo de que la cita se realizó
  (tratamiento, fecha y especialista) para que la agenda de la clínica sea exacta.
- Nuestras copias de seguridad se conservan {BACKUP_DAYS} días, así que lo que se elimina
  desaparece de todas las copias {BACKUP_DAYS} días después.

Los registros que se hacen en la clínica durante su visita (su expediente clínico) no
siguen estos plazos: la normativa sanitaria mexicana obliga a conservarlos varios años.
Pregúntenos y le explicamos cómo.

## Sus derechos ARCO: acceso, rectificación, cancelación y oposición

En cualquier momento puede pedirnos:

- **acceso** a sus datos: recibir una copia de lo que conservamos sobre usted;
- **rectificación**, cuando sean inexactos o estén incompletos;
- **cancelación**: que los eliminemos, por ejemplo sus respuestas de salud;
- **oposición** a un uso determinado de ellos.

También puede **revocar su consentimiento** para el tratamiento de sus datos, incluidos
sus datos de salud, y pedirnos que **limitemos su uso o divulgación**. Si revoca su
consentimiento antes de su visita, es posible que ya no podamos realizar el tratamiento, y
le explicaremos qué significa para su cita.

**Cómo solicitarlo.** Use el enlace privado de cualquiera de nuestros correos: su página
tiene una sección "Sus datos" desde la que puede pedir, con un clic, una copia de sus datos
o la eliminación de sus respuestas de salud. Para cualquier otra solicitud, o si ya no tiene
el enlace, comuníquese con nosotros {reach_us}, indicando su nombre, el correo electrónico
con el que agendó (o su número de reserva) y lo que solicita. Podemos pedirle que confirme
que la solicitud viene de usted o de su representante legal.

**Plazos de respuesta.** Le respondemos dentro de los 20 días hábiles siguientes a la
recepción de su solicitud y, si resulta procedente, la hacemos efectiva dentro de los 15
días hábiles siguientes a nuestra respuesta. Si no está conforme con nuestra respuesta,
puede acudir a la autoridad competente en materia de protección de datos personales.

## Cambios a este aviso

Cuando cambiemos este aviso publicaremos la nueva versión en esta página, con su número de
versión, su fecha y una frase que diga qué cambió. Las versiones anteriores siguen
disponibles, y la reserva siempre muestra la versión vigente en el momento en que usted
otorga su consentimiento; conservamos qué versión aceptó.
"""
