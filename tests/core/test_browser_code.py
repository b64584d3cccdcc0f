"""The browser code's shape (docs/architecture.md, static/): every page script is an ES
module, and only static/js/api.js talks to the JSON API (fetch, the CSRF token)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"
SCRIPT_TAG = re.compile(r"<script\b[^>]*\bsrc=[^>]*>", re.S)


def test_every_script_of_static_js_is_loaded_as_a_module():
    tags = [tag for page in (ROOT / "templates").rglob("*.html")
            for tag in SCRIPT_TAG.findall(page.read_text(encoding="utf-8"))
            if "js/" in tag and "vendor/" not in tag]
    assert tags, "no page loads static/js"
    assert [tag for tag in tags if 'type="module"' not in tag] == []


def test_only_api_js_fetches_and_reads_the_csrf_token():
    scripts = {path.relative_to(JS).as_posix(): path.read_text(encoding="utf-8")
               for path in JS.rglob("*.js")}
    assert [name for name, code in scripts.items() if "fetch(" in code] == ["api.js"]
    assert [name for name, code in scripts.items() if "csrf-token" in code] == ["api.js"]
    assert [name for name, code in scripts.items() if "use strict" in code or "(function" in code] == []
