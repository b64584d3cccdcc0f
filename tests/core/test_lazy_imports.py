"""The web process starts without the heavy libraries only a few requests need (issue 16).

Each is imported by the function that uses it: PDF certificates (fpdf2, fontTools, pypdf,
segno), certificate signing (cryptography's bindings), XLSX imports and exports (openpyxl,
xlsxwriter), evidence images (Pillow), the search's Chinese word cutter and index (jieba,
pypinyin, Whoosh), the face model (dlib, its model files, numpy).
Together they cost every web process about 50 MB
(bench/memory.py); an import moved back to a module's top would bring it back silently.
"""
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import app_config

ROOT = Path(__file__).resolve().parents[2]
FIRST_USE = ("fpdf", "fontTools", "pypdf", "segno", "cryptography.hazmat.bindings._rust", "openpyxl", "xlsxwriter",
             "PIL.Image", "jieba", "pypinyin", "whoosh", "alembic",
             "dlib", "face_recognition_models", "numpy")
PROBE = """
import json, sys
from app import create_app
create_app(json.loads(sys.argv[1]), instance_path=sys.argv[2])
print(json.dumps(sorted(name for name in json.loads(sys.argv[3]) if name in sys.modules)))
"""


def test_create_app_imports_none_of_the_libraries_kept_for_first_use(tmp_path):
    config = app_config(tmp_path)
    config.pop("SQLALCHEMY_ENGINE_OPTIONS")  # PostgreSQL's search_path only; not JSON for every driver
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(config), str(tmp_path / "instance"),
                           json.dumps(FIRST_USE)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
