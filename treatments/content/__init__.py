"""Starting content for the site, loaded by ``manage.py load_clinic_content``.

Plain data only: the command decides what to create, editors own it afterwards.
"""
