"""The bundled library is found after `pip install .`, run from another directory."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.seeds import REPO, SEED_FILES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(out),
        str(REPO),
    ]
    result = subprocess.run(build, capture_output=True, text=True, check=False)
    if result.returncode != 0 and "No module named 'hatchling'" in result.stderr:
        pytest.skip("hatchling (a dev dependency) is not installed")
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("earmark-*.whl")
    return built


def test_wheel_carries_the_seeds_byte_for_byte(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for seed in SEED_FILES:
            assert archive.read(f"index/data/{seed.parent.name}/{seed.name}") == seed.read_bytes()


def test_installed_earmark_finds_its_library_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--target",
        str(site),
        str(wheel),
    ]
    subprocess.run(install, capture_output=True, check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    program = (
        "import index, tui.cli, sys; "
        "print(index.__file__, file=sys.stderr); "
        "sys.exit(tui.cli.main(['export', '--format', 'json']))"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "EARMARK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=elsewhere, env=env, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().startswith(str(site)), "ran the checkout, not the installed copy"
    (episode,) = json.loads(result.stdout)["episodes"]
    assert (len(episode["chapters"]), len(episode["turns"])) == (10, 133)
