"""The tus rules as plain functions, without the app."""
import base64
import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.exceptions import ClientDisconnected

from courses.media import uploads

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


@pytest.mark.parametrize("value, expected", [("0", 0), ("1024", 1024), (" 42 ", 42), ("9" * 19, int("9" * 19))])
def test_sizes_are_non_negative_integers(value, expected):
    assert uploads.parse_size(value, "bad_length") == expected


@pytest.mark.parametrize("value", [None, "", "-1", "+1", "1e3", "1.0", "0x10", "9" * 20, "１２"])
def test_anything_else_is_refused_with_the_given_code(value):
    with pytest.raises(uploads.HeaderError) as caught:
        uploads.parse_size(value, "bad_offset")
    assert caught.value.code == "bad_offset"


def test_metadata_pairs_decode_to_text_and_a_key_may_have_no_value():
    header = f"filename {b64('第1讲.mp4'.encode())},filetype {b64(b'video/mp4')},is_confidential"
    assert uploads.parse_metadata(header) == {"filename": "第1讲.mp4", "filetype": "video/mp4",
                                              "is_confidential": ""}
    assert uploads.parse_metadata("") == {} and uploads.parse_metadata(None) == {}


def test_metadata_survives_encoding_for_head():
    metadata = {"filename": "讲座 <i>1</i>.webm", "flag": ""}
    assert uploads.parse_metadata(uploads.encode_metadata(metadata)) == metadata


@pytest.mark.parametrize("header", [
    f"filename {b64(b'a')},filename {b64(b'b')}",
    "filename not*base64",
    f"file name {b64(b'a')}",
    f"filename {b64(bytes([0xff, 0xfe]))}",
    f"名字 {b64(b'a')}",
    f"a {b64(b'x')}," + "b" * uploads.MAX_METADATA_CHARS,
])
def test_malformed_metadata_is_refused(header):
    with pytest.raises(uploads.HeaderError):
        uploads.parse_metadata(header)


def test_client_text_loses_control_characters_and_is_cut():
    assert uploads.clean_text("a\x00b\r\nc\x7f.mp4 ", 255) == "abc.mp4"
    assert uploads.clean_text("../../etc/passwd", 255) == "../../etc/passwd"  # metadata only, never a path
    assert len(uploads.clean_text("长" * 300, 255)) == 255


@pytest.mark.parametrize("algorithm", ["sha1", "md5", "sha256"])
def test_checksums_parse_to_algorithm_and_digest(algorithm):
    digest = hashlib.new(algorithm, b"data").digest()
    assert uploads.parse_checksum(f"{algorithm} {b64(digest)}") == (algorithm, digest)
    assert uploads.parse_checksum(f"{algorithm.upper()} {b64(digest)}") == (algorithm, digest)


def test_checksum_headers_that_cannot_be_checked():
    assert uploads.parse_checksum(None) is None
    with pytest.raises(uploads.UnsupportedChecksum):
        uploads.parse_checksum(f"crc32 {b64(b'1234')}")
    for header in ("sha1", f"sha1 {b64(b'short')}", "sha1 ###", f"sha1  {b64(hashlib.sha1().digest())}"):
        with pytest.raises(uploads.HeaderError) as caught:
            uploads.parse_checksum(header)
        assert caught.value.code == "bad_checksum"


def test_unfinished_uploads_expire_and_finished_ones_never_do():
    expires = uploads.expiry(NOW, 24)
    assert expires == NOW + timedelta(hours=24)
    assert not uploads.is_expired(expires, None, NOW + timedelta(hours=23))
    assert uploads.is_expired(expires, None, NOW + timedelta(hours=24))
    assert not uploads.is_expired(expires, NOW, NOW + timedelta(days=30))


def test_upload_ids_are_32_hex_digits_and_differ():
    ids = {uploads.new_upload_id() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_copy_body_writes_in_chunks_and_hashes_what_it_wrote():
    data = bytes(range(256)) * 10_000
    out, hasher = io.BytesIO(), hashlib.sha256()
    assert uploads.copy_body(io.BytesIO(data), out, len(data), hasher) == (len(data), False)
    assert out.getvalue() == data and hasher.digest() == hashlib.sha256(data).digest()


def test_copy_body_refuses_one_byte_too_many():
    out = io.BytesIO()
    with pytest.raises(uploads.BodyTooLarge):
        uploads.copy_body(io.BytesIO(b"x" * 101), out, 100)


class Dropping(io.RawIOBase):
    """A connection that delivers ``size`` bytes, then goes away as werkzeug reports it."""

    def __init__(self, size: int):
        self.left = size

    def read(self, n: int = -1) -> bytes:
        if self.left == 0:
            raise ClientDisconnected()
        n = min(n, self.left)
        self.left -= n
        return b"y" * n


def test_copy_body_keeps_what_arrived_before_the_client_went_away():
    out = io.BytesIO()
    assert uploads.copy_body(Dropping(3000), out, 10_000) == (3000, True)
    assert out.getvalue() == b"y" * 3000


def test_a_locked_part_file_is_busy_for_everyone_else(tmp_path):
    part = tmp_path / "a.part"
    part.write_bytes(b"")
    with uploads.locked(part) as fh:
        fh.write(b"abc")
        with pytest.raises(uploads.Busy):
            with uploads.locked(part):
                pass
    with uploads.locked(part) as fh:
        assert fh.read() == b"abc"
    with pytest.raises(FileNotFoundError):
        with uploads.locked(tmp_path / "gone.part"):
            pass
