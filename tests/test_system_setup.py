"""The README's two commands set up a fresh machine through one list of Debian packages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "system-setup"


def _packages() -> dict[str, str]:
    listed: dict[str, str] = {}
    for line in (REPO / "scripts" / "debian-packages.txt").read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            listed[words[0]] = words[1]
    return listed


def test_one_list_names_what_the_demo_and_the_tests_need() -> None:
    listed = _packages()
    assert set(listed.values()) == {"run", "test"}
    for pdf in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert listed[pdf] == "run"  # WeasyPrint warns (a test error) without subsetting
    for tool in ("chromium", "mosquitto", "postgresql", "default-jre-headless"):
        assert listed[tool] == "test"


def test_the_readme_commands_and_ci_go_through_the_setup() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test: system-test install\b", makefile, re.MULTILINE)
    assert re.search(r"^demo: system-run install\b", makefile, re.MULTILINE)
    assert "scripts/system-setup test" in makefile
    assert "scripts/system-setup run" in makefile
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci[-1] == "make test"
    readme = (REPO / "README.md").read_text()
    assert "```sh\nmake demo\n```" in readme
    assert "```sh\nmake test\n```" in readme


@pytest.fixture
def unprivileged_path(tmp_path: Path) -> str:
    """A PATH on which the script runs as an ordinary user without sudo."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "sed", "awk", "grep", "dpkg-query", "sort", "tail", "ls"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not on this system")
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho 'apt-get must not run' >&2\nexit 99\n")
    for fake in ("id", "apt-get"):
        (bin_dir / fake).chmod(0o755)
    return str(bin_dir)


def test_without_root_or_sudo_it_stops_with_the_one_line_to_run(
    tmp_path: Path, unprivileged_path: str
) -> None:
    if shutil.which("dpkg-query") is None:
        pytest.skip("not a Debian system")
    listed = tmp_path / "packages.txt"
    listed.write_text(
        "# package scope check\n"
        "keepwell-no-such-package  run\n"
        "bash                      run\n"  # installed: not asked for
        "keepwell-met-otherwise    run   true\n"  # its check succeeds: not asked for
        "keepwell-tests-only       test\n"  # another scope
    )
    env = {"PATH": unprivileged_path, "KEEPWELL_DEBIAN_PACKAGES": str(listed)}
    result = subprocess.run(
        [str(SCRIPT), "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "apt-get must not run" not in result.stderr
    assert result.stderr.splitlines()[-1] == "  apt-get install -y keepwell-no-such-package"


def test_nothing_missing_means_nothing_to_do(tmp_path: Path, unprivileged_path: str) -> None:
    if shutil.which("dpkg-query") is None:
        pytest.skip("not a Debian system")
    listed = tmp_path / "packages.txt"
    listed.write_text("bash run\n")
    env = {**os.environ, "PATH": unprivileged_path, "KEEPWELL_DEBIAN_PACKAGES": str(listed)}
    result = subprocess.run(
        [str(SCRIPT), "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
