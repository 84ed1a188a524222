"""The benchmark's runner (bench/run.py): how it reads wrk, works out ratios within a
round, judges the budgets and sets its exit status. The full run (a seeded database,
gunicorn, wrk) is `make bench`; these parts run with the suite."""

import io

import pytest
from django.db import connection

from bench import run, seed

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8140/bench/baseline/
  2 threads and 8 connections
  Latency Distribution
     50%    4.18ms
     75%    6.02ms
     90%    9.11ms
     99%   13.18ms
  3912 requests in 2.00s, 1.02MB read
  Non-2xx or 3xx responses: 12
Requests/sec:   1955.31
Transfer/sec:    522.10KB
"""


def target(kind, *rounds, name="page", available=True):
    found = run.Target(name, "/x/", kind, "en", available=available)
    found.rounds = [run.Round(rps, p50, p50 * 3) for rps, p50 in rounds]
    return found


def results(*targets, posts=(), calendar=(), sequential=()):
    baseline = target("baseline", (1000, 4.0), (2000, 2.0), name="baseline")
    found = run.Results([baseline, *targets], list(posts), list(calendar), list(sequential))
    run.work_out_ratios(found)
    return found


def verdicts(found) -> dict[str, str]:
    return {row.what: row.result for row in run.budgets(found)}


def test_it_reads_wrk_latency_throughput_and_errors():
    measured = run.parse_wrk(WRK_OUTPUT)

    assert measured == run.Round(rps=1955.31, p50_ms=4.18, p99_ms=13.18, errors=12)
    assert run.parse_ms("850us") == 0.85 and run.parse_ms("1.20s") == 1200


def test_ratios_are_taken_against_the_baseline_of_the_same_round():
    public = target("public", (900, 5.0), (1000, 3.0))
    step = target("step", (100, 8.0), (100, 8.0))

    results(public, step)

    assert public.ratios == [0.9, 0.5]  # throughput
    assert step.ratios == [2.0, 4.0]  # p50


def test_the_median_of_the_rounds_decides_and_the_spread_is_printed():
    public = target("public", (900, 5.0), (1800, 3.0), name="home")
    step = target("step", (100, 8.0), (100, 16.0), name="time step")
    staff = target("staff", (10, 40.0), (10, 40.0), name="appointment list")

    rows = {row.what: row for row in run.budgets(results(public, step, staff))}

    assert rows["home (en): throughput vs baseline"].result == "PASS"  # 90 %, 90 %
    assert rows["home (en): throughput vs baseline"].measured == "90% (90%–90%)"
    assert rows["time step (en): p50 vs baseline p50"].result == "FAIL"  # 2× and 8×: 5×
    assert rows["time step (en): p50 vs baseline p50"].measured == "5.0× (2.0×–8.0×)"
    assert rows["appointment list (en): p50 vs baseline p50"].result == "FAIL"  # 10×, 20×


def test_a_post_is_compared_with_the_baseline_timed_the_same_way():
    post = run.PostStep("details", "es", samples=[[9.0, 10.0, 30.0], [2.0, 4.0, 6.0]])

    found = results(posts=[post], sequential=[2.0, 1.0])

    assert post.ratios == [5.0, 4.0]
    assert verdicts(found)["details step POST (es): p50 vs baseline p50 (one at a time)"] == (
        "PASS"
    )


def test_a_page_the_site_does_not_have_yet_is_said_so_and_fails_nothing():
    missing = target("staff", name="day calendar", available=False)
    missing.note = "not available"

    rows = run.budgets(results(missing))

    assert [r.result for r in rows if r.what.startswith("day calendar")] == ["NOT AVAILABLE"]
    assert not any(r.result == "FAIL" for r in rows)


def test_the_calendar_budget_is_judged_at_200000_appointments_only():
    small = run.CalendarPoint(50_000, ms=12.0, queries=3, practitioners=8)
    large = run.CalendarPoint(200_000, ms=9.5, queries=3, practitioners=8)

    assert verdicts(results(calendar=[small]))[
        "calendar afresh, 60 days, any practitioner, 200,000 appointments"
    ] == ("NOT MEASURED")
    judged = verdicts(results(calendar=[small, large]))
    assert judged[
        "calendar afresh, 60 days, any practitioner, 200,000 appointments (8 practitioners)"
    ] == ("PASS")
    assert judged["calendar afresh: SQL queries at every size"] == "PASS"
    grown = run.CalendarPoint(200_000, ms=10.5, queries=4, practitioners=8)
    judged = verdicts(results(calendar=[small, grown]))
    assert "FAIL" in judged.values()
    assert judged["calendar afresh: SQL queries at every size"] == "FAIL"


@pytest.mark.parametrize(("failed", "flags", "status"), [(True, [], 1), (True, ["--no-fail"], 0)])
def test_a_failed_budget_fails_the_run_unless_asked_not_to(monkeypatch, failed, flags, status):
    class Redis:
        def stop(self):
            pass

    monkeypatch.setattr(run.shutil, "which", lambda name: "/usr/bin/wrk")
    monkeypatch.setattr(run, "start_private_redis", lambda args: Redis())
    monkeypatch.setattr(run, "measure", lambda args: failed)

    assert run.main(flags) == status
    monkeypatch.setattr(run, "measure", lambda args: False)
    assert run.main(flags) == 0


def test_it_drops_only_a_database_named_for_benchmarks():
    with pytest.raises(SystemExit):
        run.parse_args(["--database-name", "clinic"])
    assert run.parse_args(["--database-name", "clinic_bench_mine"]).database_name == (
        "clinic_bench_mine"
    )


@pytest.mark.django_db
def test_the_day_calendar_is_not_available_until_the_site_has_it():
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("admin:booking_appointment_calendar")
    except NoReverseMatch:
        found = run.calendar_targets(run.Http(0), "es")
        assert [(t.name, t.available) for t in found] == [
            ("day calendar", False),
            ("week calendar", False),
        ]
    else:
        found = run.calendar_targets(run.Http(0), "es")
        assert [t.path.rsplit("view=", 1)[1] for t in found] == ["day", "week"]
        assert all(t.available and "?date=" in t.path for t in found)


@pytest.mark.django_db
def test_the_calendar_afresh_covers_every_practitioner_in_a_few_queries(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "clinic_bench")
    seed.seed(300, bench_password="a-long-bench-password", out=io.StringIO())

    point = run.measure_calendar(300, runs=2)

    assert point.practitioners == len(seed.PRACTITIONER_NAMES) == 8
    assert point.queries == 1  # the appointments; the rota (hours, closures) from its cache
    assert point.ms > 0
    assert point.after_hours_ms is not None and point.after_hours_ms > 0


def test_a_page_is_compared_with_the_baseline_measured_around_it(monkeypatch):
    """The machine drifts during a round: each group of pages is measured between two
    measurements of the baseline, and its ratio taken over their mean."""
    baseline_speeds = iter([(1000, 2.0), (500, 4.0), (250, 8.0)])

    def run_wrk(port, target, seconds):
        if target.kind == "baseline":
            rps, p50 = next(baseline_speeds)
            return run.Round(rps, p50, p50)
        return run.Round(100, 9.0, 9.0)

    monkeypatch.setattr(run, "run_wrk", run_wrk)
    monkeypatch.setattr(run, "settle", lambda port: None)
    monkeypatch.setattr(run, "sequential_p50", lambda port, path, requests: 1.0)
    monkeypatch.setattr(run, "BASELINE_EVERY", 2)
    pages = [target("step", name=f"page {number}") for number in range(3)]
    posts = [run.PostStep(step, language) for language in run.LANGUAGES for step in run.POST_STEPS]
    found = run.Results([target("baseline", name="baseline"), *pages], posts, [])

    run.measure_round(type("Args", (), {"duration": 2, "post_iterations": 0})(), 0, found)
    run.work_out_ratios(found)

    assert [page.ratios for page in pages] == [[3.0], [3.0], [1.5]]  # 9 / 3, 9 / 6
    assert [r.p50_ms for r in found.baseline_runs[0]] == [2.0, 4.0, 8.0]
    assert found.targets[0].rounds == [run.Round(1000, 2.0, 2.0)]
    assert "measured 3 times a round" in run.baseline_drift(found)
    assert "p50 4.00 (2.00–8.00) ms" in run.baseline_drift(found)
