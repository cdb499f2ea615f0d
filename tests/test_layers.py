"""The code's layers and each package's public face, checked on every run.

The layer order lives in ``pyproject.toml`` (``[tool.importlinter]``, run by ``make lint``
as ``lint-imports``); these tests prove the contract catches an import against it, and
hold every import between packages to the modules a package lists in ``__all__``.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _packages(graph: grimp.ImportGraph) -> list[str]:
    return sorted(m for m in graph.modules if m.count(".") == 1 and graph.find_children(m))


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("keepwell", include_external_packages=False)


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_an_import_against_the_layers_breaks_the_contract(tmp_path: Path) -> None:
    """The database package importing a domain package (as it once did) fails the check."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "keepwell", copy / "keepwell")
    base = copy / "keepwell" / "db" / "base.py"
    base.write_text(base.read_text() + "\nfrom keepwell.record import models as _models\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "keepwell.db is not allowed to import keepwell.record" in " ".join(result.stdout.split())


def test_every_package_declares_its_public_face(graph: grimp.ImportGraph) -> None:
    for package in _packages(graph):
        module = importlib.import_module(package)
        names = getattr(module, "__all__", None)
        assert isinstance(names, list) and names, f"{package} has no __all__"
        for name in names:
            if not hasattr(module, name):
                importlib.import_module(f"{package}.{name}")  # raises if it does not exist


def test_packages_import_each_other_only_through_their_public_face(
    graph: grimp.ImportGraph,
) -> None:
    faces = {p: set(importlib.import_module(p).__all__) for p in _packages(graph)}
    outside: list[str] = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            for package, face in faces.items():
                inside = importer == package or importer.startswith(package + ".")
                if imported.startswith(package + ".") and not inside:
                    child = imported[len(package) + 1 :].split(".")[0]
                    if child not in face:
                        outside.append(f"{importer} -> {imported}")
    assert not outside, "imports past a package's __all__:\n" + "\n".join(outside)
