"""Decode the landing folder's text files: SurveyXact's three encodings and eKVIS' UTF-8 roster."""

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kvis_pipeline.core.errors import InputFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16BE with BOM"),
)
# Above this share of NUL bytes a file without a byte-order mark is UTF-16 or binary, not text with stray NULs.
NUL_SHARE_OF_BINARY = 0.05


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# The text is converted this many bytes at a time: a whole 10^6-respondent export decoded into one str took about
# twice its size in memory beside the file's bytes and the UTF-8 bytes made from it (docs/performance.md).
SLICE_BYTES = 1 << 24


def first_utf8_letter(data: bytes) -> int | None:
    """Where the first UTF-8 encoded letter beyond ASCII (2 or 3 bytes) starts, or None: Windows-1252 text meaning
    the same letters does not hold one. Compared a slice at a time in NumPy: a regular expression took 4.7 s over a
    10^6-respondent export, which is Windows-1252 as SurveyXact's EU CSV is."""
    octets = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(octets), SLICE_BYTES):
        part = octets[start : start + SLICE_BYTES + 2]  # two bytes more: a letter starting in this slice may end after
        follows = (part >= 0x80) & (part <= 0xBF)
        starts = (part[:-1] >= 0xC2) & (part[:-1] <= 0xDF) & follows[1:]
        starts[: len(part) - 2] |= (part[:-2] >= 0xE0) & (part[:-2] <= 0xEF) & follows[1:-1] & follows[2:]
        if starts.any():
            return start + int(starts.argmax())
    return None


@dataclass(frozen=True)
class DecodedText:
    utf8: bytes  # the text, UTF-8 encoded, without a byte-order mark
    encoding: str  # as an operator names it: "Windows-1252", "UTF-8", "UTF-16LE with BOM", ...
    nul_bytes_dropped: int  # stray NUL characters removed (SurveyXact exports sometimes hold a few)


def decode_text(path: Path) -> DecodedText:
    """UTF-16 or UTF-8 by their BOM, else UTF-8, else Windows-1252; stray NULs dropped and counted.

    Written by hand because DuckDB's CSV reader cannot read Windows-1252 here and the
    standard library's codecs already do the decoding; this only chooses the codec.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "the file is missing") from None
    except OSError as exc:
        raise InputFileError(path, f"the file cannot be opened ({exc.strerror})") from None
    if not data.strip(b"\x00 \t\r\n"):
        raise InputFileError(path, "the file is empty")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(path, data, bom, codec, name)
    nuls = data.count(b"\x00")
    if nuls > NUL_SHARE_OF_BINARY * len(data):
        raise InputFileError(
            path, "the file holds NUL bytes: it is binary, or UTF-16 without a byte-order mark, not a text export"
        )
    if nuls:
        data = data.replace(b"\x00", b"")
    try:
        return DecodedText(_to_utf8(data, "utf-8"), "UTF-8", nuls)
    except UnicodeDecodeError as exc:
        letter = first_utf8_letter(data)
        if letter is not None:  # Windows-1252 text holds no such sequence: both encodings are in the file
            raise InputFileError(
                path,
                f"the file mixes encodings: line {_line_of(data, letter)} is UTF-8 but line "
                f"{_line_of(data, exc.start)} is not (byte 0x{data[exc.start]:02X}); save it in one encoding",
            ) from None
    try:
        return DecodedText(_to_utf8(data, "cp1252"), "Windows-1252", nuls)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path,
            f"the encoding cannot be read: byte 0x{data[exc.start]:02X} at offset {exc.start} is neither "
            "UTF-8 nor Windows-1252, and the file has no UTF-16 byte-order mark",
        ) from None


def _decode_with_bom(path: Path, data: bytes, bom: bytes, codec: str, name: str) -> DecodedText:
    try:
        utf8 = _to_utf8(data, codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8-sig":
            raise InputFileError(
                path,
                f"the file mixes encodings: it starts with a UTF-8 byte-order mark but line "
                f"{_line_of(data, exc.start + len(bom))} is not UTF-8; save it in one encoding",
            ) from None
        raise InputFileError(
            path,
            f"the file starts with a {name.split(' ')[0]} byte-order mark but is not valid "
            f"{name.split(' ')[0]} (byte {exc.start})",
        ) from None
    nuls = utf8.count(b"\x00")  # in UTF-8 a zero byte is always the NUL character
    return DecodedText(utf8.replace(b"\x00", b"") if nuls else utf8, name, nuls)


def _to_utf8(data: bytes, codec: str) -> bytes:
    """data, read in codec, as UTF-8 without a byte-order mark, converted a slice at a time; UTF-8 comes back as it
    is once it has been checked. A failure raises the error that decoding the whole data gives, so that its position
    is the file's."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    converted = []
    try:
        for start in range(0, len(data) + 1, SLICE_BYTES):
            text = decoder.decode(view[start : start + SLICE_BYTES], final=start + SLICE_BYTES > len(data))
            if codec != "utf-8":
                converted.append(text.encode("utf-8"))
    except UnicodeDecodeError:
        data.decode(codec)
        raise
    return data if codec == "utf-8" else b"".join(converted)
