"""Booking's starting content, loaded by ``manage.py load_clinic_content``: the screening
questionnaire, the demo practitioners and the booking policy.

Plain data only (and ``loading.py``, which creates what is missing): editors own it
afterwards.
"""
