"""Which code may import which (docs/architecture.md, "The apps and their direction").

- import-linter's contracts in pyproject.toml ([tool.importlinter]): booking -> treatments
  -> clinic's shared parts, never the other way; the apps never import clinic's URLs,
  site-wide pages or settings; the product never imports bench/ or tests/; no cycles
  between the modules or sub-packages of a package. `make check` runs them too.
- No import cycle between any two files of the project, however far apart: a check over
  grimp's import graph (import-linter's own library), lazy imports inside functions and
  imports under ``TYPE_CHECKING`` included.
"""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("clinic", "treatments", "booking", "bench")


def test_the_import_contracts_are_kept():
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others (the
    graph's strongly connected components of more than one module, by Tarjan's method)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        # Depth-first, without recursion: (module, the modules it imports not yet walked).
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append(
                        (other, iter(sorted(graph.find_modules_directly_imported_by(other))))
                    )
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        cycles.append(sorted(group))
    return cycles


def cycle_path(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One way round a cycle, for the failure message: a -> b -> ... -> a."""
    first, second = group[0], group[1]
    there = graph.find_shortest_chain(importer=first, imported=second) or (first, second)
    back = graph.find_shortest_chain(importer=second, imported=first) or (second, first)
    return " -> ".join([*there, *back[1:]])


def test_no_two_files_import_each_other():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)

    cycles = import_cycles(graph)

    assert not cycles, "Import cycles between files:\n" + "\n".join(
        cycle_path(graph, group) for group in cycles
    )


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("app.a", "app.b", "app.c", "app.d"):
        graph.add_module(module)
    graph.add_import(importer="app.a", imported="app.b")
    graph.add_import(importer="app.b", imported="app.c")
    graph.add_import(importer="app.c", imported="app.a")
    graph.add_import(importer="app.d", imported="app.a")

    assert import_cycles(graph) == [["app.a", "app.b", "app.c"]]
    assert cycle_path(graph, ["app.a", "app.b", "app.c"]) == "app.a -> app.b -> app.c -> app.a"
