"""Installed like a library: a wheel built from this tree, installed (not editable) in a fresh
virtual environment, scores from another directory with the model it ships.

Offline and quick: the sdist and then the wheel are built from it without build isolation (the
build tools are dev dependencies), the wheel is installed with ``--no-deps``, and the new
environment finds its dependencies through a ``.pth`` line pointing at this environment's
site-packages, which comes after its own: ``reviewbait`` itself is imported from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import reviewbait
from rateloop_rows import HELD_OUT_POSITIVES, user_frame
from reviewbait import Detector

ROOT = Path(__file__).resolve().parents[1]
MODEL_FILES = ("reviewbait.npz", "reviewbait.json", "manifest.json", "MODEL_CARD.md")
OFFER = "Leave 5 stars on Amazon and get a free phone case! DM me the screenshot"

pytestmark = pytest.mark.slow


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=300, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel built from it, from a copy of this tree's build inputs."""
    tree = tmp_path_factory.mktemp("tree")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("pyproject.toml", "README.md", "MANIFEST.in", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src", ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, tree])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = dist.glob("reviewbait-*.tar.gz")
    (wheel,) = dist.glob("reviewbait-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_the_wheel_and_the_sdist_ship_the_model(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        shipped = json.loads(wheel.read("reviewbait/models/manifest.json"))
    assert {f"reviewbait/models/{name}" for name in MODEL_FILES} <= names
    assert {"reviewbait/__main__.py", "reviewbait/py.typed"} <= names
    assert not any(name.endswith((".joblib", ".pkl", ".pickle")) for name in names), "no pickle in the wheel"
    assert shipped["sha256"] == Detector.load().manifest["sha256"]
    with tarfile.open(built["sdist"]) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"src/reviewbait/models/{name}" for name in MODEL_FILES} <= members


def test_installed_from_the_wheel_it_scores_from_another_directory(built: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    python = venv / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # the dependencies, offline: this environment's site-packages, searched after the new one's own
    (purelib / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", built["wheel"]]
    )
    assert result.returncode == 0, result.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import json, reviewbait\n"
        "from reviewbait import Detector\n"
        "from reviewbait.artifact import default_model_dir\n"
        f"verdict = Detector.load().check({OFFER!r})\n"
        "print(json.dumps({'file': reviewbait.__file__, 'models': str(default_model_dir()),\n"
        "                  'probability': verdict.probability, 'kinds': sorted({e.kind for e in verdict.evidence})}))\n"
    )
    result = _run([python, "-c", script], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    installed = json.loads(result.stdout)
    assert Path(installed["file"]).is_relative_to(purelib), installed  # the wheel's copy, not this tree
    assert Path(installed["models"]).is_relative_to(purelib)
    expected = Detector.load().check(OFFER)
    assert installed["probability"] == pytest.approx(expected.probability, abs=1e-9)
    assert installed["kinds"] == sorted({e.kind for e in expected.evidence})

    result = _run([python, "-m", "reviewbait", "--version"], cwd=elsewhere)
    assert result.returncode == 0 and result.stdout.strip() == f"reviewbait {reviewbait.__version__}"

    # commands that need a clone say so, as bad input (exit 2), before doing any work
    for command in (["train"], ["corpus"]):
        result = _run([venv / "bin" / "reviewbait", *command], cwd=elsewhere)
        assert result.returncode == 2, result.stderr
        assert "clone of the reviewbait repository" in result.stderr and "Traceback" not in result.stderr

    # with no corpus to merge with, `train --data` trains on the user's rows alone and says so
    user_frame().to_csv(elsewhere / "mine.csv", index=False)
    result = _run([venv / "bin" / "reviewbait", "train", "--data", "mine.csv", "-o", "mine"], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "training on your rows alone" in result.stderr
    manifest = json.loads((elsewhere / "mine" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["base_rows"] == 0 and manifest["data"]["user_rows"] == len(user_frame())
    assert Detector.load(elsewhere / "mine").probabilities(HELD_OUT_POSITIVES).max() > 0.5
