"""Fail when the locks do not pin what pyproject.toml asks for.

`make install` runs this after installing requirements-dev.lock: a dependency added to
pyproject.toml (or a range changed) without `make lock` would otherwise go unnoticed
until the import fails. Offline: it only reads the three files.
"""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    """{canonical name: version} of every `name==version` line of a lock file."""
    found = {}
    for line in lock.read_text().splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def problems() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = project["dependencies"]
    wanted = {
        "requirements.lock": runtime,
        "requirements-dev.lock": runtime + project["optional-dependencies"]["dev"],
    }
    found = []
    for lock, requirements in wanted.items():
        pinned = pins(ROOT / lock)
        for text in requirements:
            requirement = Requirement(text)
            version = pinned.get(canonicalize_name(requirement.name))
            if version is None:
                found.append(f"{lock} does not pin {requirement.name}")
            elif not requirement.specifier.contains(version, prereleases=True):
                found.append(f"{lock} pins {requirement.name}=={version}, outside {text!r}")
    return found


if __name__ == "__main__":
    if found := problems():
        sys.stderr.write("\n".join(found) + "\n")
        sys.stderr.write(
            "pyproject.toml changed since the locks were made: run `make lock` and commit "
            "requirements.lock and requirements-dev.lock.\n"
        )
        sys.exit(1)
