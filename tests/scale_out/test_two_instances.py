"""Scale-out: two gunicorn instances sharing one PostgreSQL database and one Redis.

How the instances run, and when these tests run or skip: tests/scale_out/cluster.py.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.scale_out.cluster import (
    TIMEOUT,
    FormFields,
    admin_login,
    bench,
    fields_to_dict,
)
from tests.scale_out.cluster import query as _query

# The code under test runs in gunicorn and worker processes, which time-machine cannot
# reach: the real clock here too. Times in the data are made in those processes,
# relative to that clock and far enough ahead that the moment of the run does not matter.
pytestmark = [pytest.mark.scale_out, pytest.mark.real_clock]

RACERS = 10


def _to_time_step(client, data, practitioner="") -> str:
    """Treatment and screening steps; returns the time step's page."""
    client.get(f"/en/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post(
        "/en/book/treatment/", {"treatment": data["treatment"], "practitioner": practitioner}
    )
    assert response.status == 302, f"treatment step: HTTP {response.status}"
    response = client.post("/en/book/screening/", data["answers"])
    assert response.status == 302, f"screening step: HTTP {response.status}"
    page = client.get("/en/book/time/")
    assert page.status == 200, f"time step: HTTP {page.status}"
    return page.body


def _starts(page: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', page)


def _a_week_ahead(client, page: str) -> str:
    """The time step's page for the eighth day it offers. The instances read the real
    clock: the first times offered could fall inside the minimum notice while the test
    runs, and a time a week ahead cannot, whatever the moment."""
    day = re.findall(r"\?day=(\d{4}-\d{2}-\d{2})", page)[7]
    response = client.get(f"/en/book/time/?day={day}")
    assert response.status == 200, f"time step for {day}: HTTP {response.status}"
    return response.body


# --- (a) one slot, ten patients, two servers ------------------------------------------


def test_race_for_one_slot_across_both_instances_books_it_once(cluster):
    port_a, port_b, data = cluster
    clients = [bench.Http(port_a if i % 2 == 0 else port_b) for i in range(RACERS)]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        pages = list(pool.map(lambda c: _to_time_step(c, data, str(data["practitioner"])), clients))
        pages = list(pool.map(_a_week_ahead, clients, pages))
    start = _starts(pages[0])[0]
    assert all(start in _starts(page) for page in pages), "every client is offered the slot"
    tokens = [bench.csrf_token(page) for page in pages]
    held_before = _query("SELECT count(*) FROM booking_appointment WHERE status = 'held'")[0][0]

    barrier = threading.Barrier(RACERS, timeout=TIMEOUT)
    results: list = [None] * RACERS

    def race(i: int) -> None:
        barrier.wait()
        try:
            results[i] = clients[i].request(
                "POST", "/en/book/time/", {"csrfmiddlewaretoken": tokens[i], "start": start}
            )
        except Exception as error:  # reported below, not lost in the thread
            results[i] = error

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    statuses = sorted(r.status for r in results)
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == RACERS - 1, statuses
    for response in results:
        if response.status == 409:
            assert re.search(r"no longer available|just taken", response.body), response.body[:500]
    held = _query(
        "SELECT count(*) FROM booking_appointment WHERE status = 'held' AND practitioner_id = %s",
        (data["practitioner"],),
    )[0][0]
    assert held - held_before == 1
    winners = [i for i, r in enumerate(results) if r.status == 302]
    # Both ports took part in the race.
    assert {clients[i].port for i in range(RACERS)} == {port_a, port_b}
    assert len(winners) == 1


# --- (b) an admin edit on A shows at once on B ------------------------------------------


def test_admin_edit_on_one_instance_shows_at_once_on_the_other(cluster):
    port_a, port_b, data = cluster
    page_path = f"/en/treatments/{bench.TREATMENT_SLUG}/"
    patient_b = bench.Http(port_b)
    before = patient_b.get(page_path)
    assert before.status == 200
    patient_b.get(page_path)  # and again: whatever B caches, it has now cached

    admin_a = admin_login(port_a, data)
    change = f"/admin/treatments/treatment/{data['treatment']}/change/"
    form_page = admin_a.get(change)
    assert form_page.status == 200
    parser = FormFields("treatment_form")
    parser.feed(form_page.body)
    fields = parser.fields
    # The English column of a section's title (the page read is the English one).
    titles = [
        (i, v) for i, (n, v) in enumerate(fields) if re.fullmatch(r"sections-\d+-title_en", n)
    ]
    assert titles, "the change form has section titles"
    index, old_title = titles[0]
    assert old_title in before.body
    new_title = f"{old_title} (edited on A)"
    fields[index] = (fields[index][0], new_title)
    saved = admin_a.request("POST", change, fields_to_dict(fields))
    assert saved.status == 302, f"admin save: HTTP {saved.status}\n{saved.body[:2000]}"

    after = bench.Http(port_b).get(page_path)
    assert after.status == 200
    assert new_title in after.body, "instance B still shows the old content"
    assert new_title in bench.Http(port_a).get(page_path).body


# --- (c) a session started on A continues on B -------------------------------------------


def test_a_booking_started_on_one_instance_continues_on_the_other(cluster):
    port_a, port_b, data = cluster
    client = bench.Http(port_a)
    client.get(f"/en/book/?treatment={bench.TREATMENT_SLUG}")
    response = client.post(
        "/en/book/treatment/", {"treatment": data["treatment"], "practitioner": ""}
    )
    assert response.status == 302

    client.port = port_b  # same cookies, other server
    response = client.post("/en/book/screening/", data["answers"])
    assert response.status == 302, "B knows the treatment chosen on A"
    page = client.get("/en/book/time/")
    assert page.status == 200
    start = _starts(_a_week_ahead(client, page.body))[-1]
    response = client.post("/en/book/time/", {"start": start})
    assert response.status == 302, f"holding a time on B: HTTP {response.status}"

    client.port = port_a
    details = client.get("/en/book/details/")
    assert details.status == 200, "A sees the time held on B"
