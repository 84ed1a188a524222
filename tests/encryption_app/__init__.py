"""A test-only app: a model with health data that no command or list names, to show that
encrypted fields are found by their class (tests/clinic/test_health_data_discovery.py).

Installed by tests/settings.py only; it has no migrations, so the test database creates
its table directly (Django's ``migrate --run-syncdb``, which the test runner uses).
"""
