"""The two-instance cluster (tests/scale_out/cluster.py), shared by the scale-out tests."""

import os
import types

import pytest

from tests.scale_out.cluster import (
    DB_NAME,
    HOST,
    SETUP,
    bench,
    connect_postgres,
    run_python,
    unavailable,
)
from tests.servers import RedisServer


@pytest.fixture(scope="session")
def cluster_env(tmp_path_factory):
    """The instances' environment, with their database migrated and loaded and their
    Redis running; yields (environment, what SETUP printed)."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") and os.environ.get("SCALE_OUT") != "1":
        pytest.skip(
            "scale-out test needs PostgreSQL and Redis: run `make test-postgres` "
            "(or SCALE_OUT=1 pytest -m scale_out)"
        )
    try:
        with connect_postgres() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    except Exception as error:
        unavailable(f"PostgreSQL at {HOST}:5432 is not reachable ({error})")
    redis_server = RedisServer().start()
    try:
        work = tmp_path_factory.mktemp("scale-out")
        env = bench.bench_env(types.SimpleNamespace(db="postgres", database_name=DB_NAME))
        env.update(
            DATABASE_URL=f"postgres://postgres@{HOST}:5432/{DB_NAME}",
            REDIS_URL=redis_server.url,
            CACHE_KEY_PREFIX="scaleout",
            STATIC_ROOT=str(work / "static"),
            MEDIA_ROOT=str(work / "media"),  # one folder for both instances
            RATE_LIMIT_BOOKING="10000/m",  # every client here is 127.0.0.1
            RATE_LIMIT_MANAGE="10000/m",
        )
        env.pop("PYTEST_CURRENT_TEST", None)
        yield env, run_python(env, SETUP)
    finally:
        redis_server.close()
        with connect_postgres() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


@pytest.fixture(scope="session")
def cluster(cluster_env):
    """Two gunicorns on free loopback ports; yields (port_a, port_b, setup data)."""
    env, data = cluster_env
    servers = []
    try:
        ports = []
        for _ in range(2):
            port = bench.free_port()
            servers.append(bench.start_gunicorn(env, port, 2))
            ports.append(port)
        yield ports[0], ports[1], data
    finally:
        for server in servers:
            bench.stop_gunicorn(server)


@pytest.fixture(scope="session")
def in_cluster(cluster_env):
    """Run a script in the instances' environment: ``in_cluster(script) -> its JSON``."""
    env, _ = cluster_env
    return lambda script: run_python(env, script)
