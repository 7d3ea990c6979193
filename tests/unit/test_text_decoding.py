"""The landing folder's text is decoded to UTF-8 a slice at a time: the same bytes, and the same errors at the same
places, as decoding the whole file at once."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.ingest import text_decoding
from kvis_pipeline.ingest.text_decoding import decode_text, first_utf8_letter

# the rule as it was first written, a regular expression over the whole file: the oracle for the sliced comparison
UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
# letters of one, two, three and four bytes in UTF-8 (a surrogate pair in UTF-16), a NUL and line ends
TEXT = "klynge;Hillerød;Æbleø €\x00 “citat” 😀\r\nrække 2;å\n" * 3
ENCODINGS = {
    "UTF-8": (TEXT.encode("utf-8"), TEXT),
    "UTF-8 with BOM": (TEXT.encode("utf-8-sig"), TEXT),
    "UTF-16LE with BOM": (b"\xff\xfe" + TEXT.encode("utf-16-le"), TEXT),
    "UTF-16BE with BOM": (b"\xfe\xff" + TEXT.encode("utf-16-be"), TEXT),
    "Windows-1252": (TEXT.replace("😀", "").encode("cp1252"), TEXT.replace("😀", "")),
}
SLICES = (1, 2, 3, 5, 7, 1 << 24)


@pytest.mark.parametrize("slice_bytes", SLICES)
def test_the_first_utf8_letter_is_found_where_the_regular_expression_finds_it(monkeypatch, slice_bytes):
    monkeypatch.setattr(text_decoding, "SLICE_BYTES", slice_bytes)

    @settings(max_examples=300, deadline=None)
    @given(data=st.binary(max_size=40))
    def compare(data):
        expected = UTF8_LETTER.search(data)
        assert first_utf8_letter(data) == (expected.start() if expected else None)

    compare()


@pytest.mark.parametrize("slice_bytes", SLICES)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_decodes_to_the_same_utf8_whatever_the_slices(tmp_path, monkeypatch, encoding, slice_bytes):
    monkeypatch.setattr(text_decoding, "SLICE_BYTES", slice_bytes)
    raw, text = ENCODINGS[encoding]
    path = tmp_path / "dataset.csv"
    path.write_bytes(raw)
    decoded = decode_text(path)
    assert decoded.encoding == encoding
    assert decoded.nul_bytes_dropped == 3
    assert decoded.utf8 == text.replace("\x00", "").encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            ("række 1\n" * 4).encode("cp1252") + "Hillerød\n".encode(),
            "the file mixes encodings: line 5 is UTF-8 but line 1 is not \\(byte 0xE6\\)",
        ),
        (
            ("række 1\n" * 4).encode("utf-8-sig") + "Hillerød\n".encode("cp1252"),
            "starts with a UTF-8 byte-order mark but line 5 is not UTF-8",
        ),
        (
            b"a;b\n" * 5 + b"\x81\n",
            r"byte 0x81 at offset 20 is neither UTF-8 nor Windows-1252",
        ),
        (b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8", "is not valid UTF-16LE \\(byte 6\\)"),
    ],
    ids=["utf8-after-cp1252", "cp1252-after-utf8-bom", "undefined-cp1252-byte", "broken-surrogate"],
)
@pytest.mark.parametrize("slice_bytes", SLICES)
def test_an_undecodable_file_is_refused_at_the_files_own_position(tmp_path, monkeypatch, raw, message, slice_bytes):
    monkeypatch.setattr(text_decoding, "SLICE_BYTES", slice_bytes)
    path = tmp_path / "dataset.csv"
    path.write_bytes(raw)
    with pytest.raises(InputFileError, match=message):
        decode_text(path)
