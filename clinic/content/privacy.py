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
