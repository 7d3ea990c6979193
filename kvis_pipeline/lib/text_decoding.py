import codecs
from pathlib import Path

from kvis_pipeline.lib.errors import InputFileError

# Byte values Windows-1252 leaves undefined; Python's cp1252 codec rejects them too.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(path: Path) -> str:
    """Decode a SurveyXact or roster text file: UTF-16 or UTF-8 by their BOM, else UTF-8, else Windows-1252.

    Written by hand because DuckDB's CSV reader cannot read Windows-1252 here and the
    standard library's codecs already do the decoding; this only chooses the codec.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "the file is missing") from None
    except OSError as exc:
        raise InputFileError(path, f"the file cannot be opened ({exc.strerror})") from None
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    path, f"the file starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {exc.start})"
                ) from None
    if b"\x00" in data:
        raise InputFileError(
            path, "the file holds NUL bytes: it is binary, or UTF-16 without a byte-order mark, not a text export"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path,
            f"the encoding cannot be read: byte 0x{data[exc.start]:02X} at offset {exc.start} is neither "
            "UTF-8 nor Windows-1252, and the file has no UTF-16 byte-order mark",
        ) from None
