"""The README's nginx block checks signed media links alone (issue 16): a real nginx, started from
that block on a free loopback port, serves a link the app signs and refuses every other one.
The browser journey through it: tests/e2e/test_signed_media_journey.py."""
import http.client
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness
from bench import readme_stack as nginx_stack
from courses.media import links, storage
from tests.learning.nginx_stack import needs_nginx

DATA = bytes(range(256)) * 4096  # 1 MiB


def readme_secret(block: str) -> str:
    """The secret of the README block's ``secure_link_md5`` (its last word)."""
    return re.search(r'secure_link_md5 "\$secure_link_expires\$uri\$arg_u (\S+)";', block).group(1)


@contextmanager
def readme_nginx(work: Path, app_port: int):
    """nginx from the README's block in front of ``app_port``, serving ``work/media``;
    yields its port."""
    port = harness.free_port()
    conf = nginx_stack.render_nginx(work, port, app_port, nginx_stack.readme_nginx_block())
    args = [nginx_stack.NGINX, "-p", str(conf.parent), "-e", str(conf.parent / "error.log"), "-c", str(conf)]
    with harness.running(args, port, conf.parent / "error.log"):
        yield port


def get(port: int, url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", url, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def test_the_readme_block_signs_what_the_app_signs():
    block = nginx_stack.readme_nginx_block()
    assert 'secure_link $arg_s,$arg_e;' in block
    assert f"location {links.PREFIX} {{" in block
    assert readme_secret(block)


@needs_nginx
def test_nginx_serves_a_good_link_and_refuses_bad_or_expired_ones(tmp_path):
    rendition, poster = storage.rendition_path(7, 720), storage.poster_path(7)
    for relative, content in ((rendition, DATA), (poster, b"\xff\xd8 poster \xff\xd9")):
        path = storage.resolve(relative, tmp_path / "media")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    secret = readme_secret(nginx_stack.readme_nginx_block())
    now = datetime.now(UTC)
    later = links.expiry(now, 600)
    good = links.sign(rendition, 42, later, secret)
    with readme_nginx(tmp_path, harness.free_port()) as port:
        status, headers, body = get(port, good, {"Range": "bytes=1000-1999"})
        assert (status, headers["content-range"], body) == (206, f"bytes 1000-1999/{len(DATA)}", DATA[1000:2000])
        assert headers["content-type"] == "video/mp4"
        assert headers["x-content-type-options"] == "nosniff"
        assert get(port, links.sign(poster, 42, later, secret))[1]["content-type"] == "image/jpeg"

        wrong = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
        assert get(port, wrong)[0] == 403
        assert get(port, links.sign(rendition, 42, later, "not-the-secret"))[0] == 403
        assert get(port, good.replace("u=42", "u=43"))[0] == 403  # another viewer's link
        assert get(port, good.replace(f"e={later}", f"e={later + 60}"))[0] == 403  # a longer life
        another_file = good.replace(rendition, poster)
        assert get(port, another_file)[0] == 403
        assert get(port, good.split("?")[0])[0] == 403  # no signature at all
        past = int((now - timedelta(minutes=1)).timestamp())
        assert get(port, links.sign(rendition, 42, past, secret), {"Range": "bytes=0-99"})[0] == 410
        # nginx resolves the dots first: the request leaves /signed-media/ (here for the app, absent)
        assert get(port, links.sign("../secret_key", 42, later, secret))[0] == 502
