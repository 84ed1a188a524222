"""Moving the test database between migrations, for tests of a migration's data."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to ``targets`` and return the apps as they were there (historical models)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to every app's newest migration, for the tests that follow."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
