"""The certificate signing key: generated once into the instance folder, private, shared by every process."""
import base64
import stat
import threading
from pathlib import Path

from learning import signing


def test_the_key_is_generated_into_the_instance_folder_on_first_use(app):
    path = signing.key_path()
    assert path.parent == Path(app.instance_path) and not path.exists()
    first = signing.public_raw_b64(signing.public_key())
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left
    # Another process (no cache) reads the same key back.
    assert signing.public_raw_b64(signing.load_or_create(path).public_key()) == first


def test_processes_starting_together_end_up_with_one_key(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    start, keys = threading.Barrier(8), []

    def racer():
        start.wait()
        keys.append(signing.public_raw_b64(signing.load_or_create(path).public_key()))

    threads = [threading.Thread(target=racer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert signing.public_raw_b64(signing.load_or_create(path).public_key()) == keys[0]


def test_an_existing_key_is_kept(tmp_path):
    path = tmp_path / "signing.pem"
    first = signing.public_pem(signing.load_or_create(path).public_key())
    assert signing.public_pem(signing.load_or_create(path).public_key()) == first


def test_the_key_file_can_be_placed_elsewhere(app, tmp_path):
    app.config["CERTIFICATE_SIGNING_KEY_FILE"] = str(tmp_path / "secrets" / "cert.pem")
    signing.sign(b"x")
    assert (tmp_path / "secrets" / "cert.pem").exists()
    assert not (Path(app.instance_path) / signing.KEY_FILE).exists()


def test_signatures_verify_only_for_their_data_and_key(tmp_path):
    key = signing.load_or_create(tmp_path / "a.pem")
    other = signing.load_or_create(tmp_path / "b.pem").public_key()
    signature = base64.b64encode(key.sign(b"payload")).decode()
    assert signing.verify(b"payload", signature, key.public_key())
    assert not signing.verify(b"payload!", signature, key.public_key())
    assert not signing.verify(b"payload", signature, other)
    for malformed in ("", "***", base64.b64encode(b"short").decode()):
        assert not signing.verify(b"payload", malformed, key.public_key())


def test_a_published_key_loads_from_pem_or_raw_base64(tmp_path):
    public = signing.load_or_create(tmp_path / "a.pem").public_key()
    for published in (signing.public_pem(public), signing.public_raw_b64(public)):
        assert signing.key_id(signing.load_public_key(published.encode())) == signing.key_id(public)
