"""``make test`` (bin/test) sets up every program its tests need, Chromium included."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _fake_bin(tmp_path: Path) -> Path:
    """Programs that make this machine look like a fresh one run by a user without sudo:
    ``id`` says uid 1000 and dpkg knows no package."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    for program in fake.iterdir():
        program.chmod(0o755)
    return fake


def test_without_root_make_test_stops_with_the_apt_get_line_including_chromium(tmp_path):
    env = {**os.environ, "PATH": f"{_fake_bin(tmp_path)}:/usr/sbin:/usr/bin:/sbin:/bin"}
    result = subprocess.run(["bash", str(ROOT / "bin" / "test"), "--version"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "sudo apt-get update && sudo apt-get install -y fonts-wqy-zenhei poppler-utils chromium" \
        in result.stderr

