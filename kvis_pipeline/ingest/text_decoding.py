"""Decode the landing folder's text files: SurveyXact's three encodings and eKVIS' UTF-8 roster."""

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from kvis_pipeline.core.errors import InputFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16BE with BOM"),
)
# Above this share of NUL bytes a file without a byte-order mark is UTF-16 or binary, not text with stray NULs.
NUL_SHARE_OF_BINARY = 0.05


# A UTF-8 encoded letter beyond ASCII (2 or 3 bytes); Windows-1252 text meaning the same letters does not produce one.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # as an operator names it: "Windows-1252", "UTF-8", "UTF-16LE with BOM", ...
    nul_bytes_dropped: int  # stray NUL characters removed (SurveyXact exports sometimes hold a few)


def read_text(path: Path) -> str:
    return decode_text(path).text


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
        return DecodedText(data.decode("utf-8"), "UTF-8", nuls)
    except UnicodeDecodeError as exc:
        utf8 = _UTF8_MULTIBYTE.search(data)
        if utf8 is not None:  # Windows-1252 text holds no such sequence: both encodings are in the file
            raise InputFileError(
                path,
                f"the file mixes encodings: line {_line_of(data, utf8.start())} is UTF-8 but line "
                f"{_line_of(data, exc.start)} is not (byte 0x{data[exc.start]:02X}); save it in one encoding",
            ) from None
    try:
        return DecodedText(data.decode("cp1252"), "Windows-1252", nuls)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path,
            f"the encoding cannot be read: byte 0x{data[exc.start]:02X} at offset {exc.start} is neither "
            "UTF-8 nor Windows-1252, and the file has no UTF-16 byte-order mark",
        ) from None


def _decode_with_bom(path: Path, data: bytes, bom: bytes, codec: str, name: str) -> DecodedText:
    try:
        text = data.decode(codec)
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
    nuls = text.count("\x00")
    return DecodedText(text.replace("\x00", "") if nuls else text, name, nuls)
