"""Replace SurveyXact's respondent ids by a keyed hash, so rows can be followed but not traced back."""

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

KEY_VARIABLE = "KVIS_PSEUDONYM_KEY"
KEY_FILE_VARIABLE = "KVIS_PSEUDONYM_KEY_FILE"
SHA256_BLOCK = 64
MIN_KEY_LENGTH = 32
PSEUDONYM_LENGTH = 32


def default_key_file(env: Mapping[str, str] = os.environ) -> Path:
    config_home = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "kvis" / "pseudonym.key"


def load_pseudonym_key(env: Mapping[str, str] = os.environ) -> bytes:
    """The key is KVIS_PSEUDONYM_KEY if set; otherwise a key file made once per installation.

    The file lives outside the repository and the warehouse (KVIS_PSEUDONYM_KEY_FILE, default
    ~/.config/kvis/pseudonym.key), readable by its owner only. Losing it changes every pseudonym.
    """
    if env.get(KEY_VARIABLE):
        if len(env[KEY_VARIABLE]) < MIN_KEY_LENGTH:
            raise ValueError(
                f"{KEY_VARIABLE} is shorter than {MIN_KEY_LENGTH} characters: so short a key lets "
                "anyone recover the respondent ids by trying every key; use a longer one"
            )
        return env[KEY_VARIABLE].encode()
    path = Path(env.get(KEY_FILE_VARIABLE) or default_key_file(env))
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is narrowed by the umask, never widened: set it as meant
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"{path}: the pseudonym key is shorter than {MIN_KEY_LENGTH} characters")
    return key.encode()


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 of each id, hex, cut to 32 characters; empty ids stay missing.

    HMAC is spelled out over DuckDB's vectorised sha256 (RFC 2104), since one Python hmac call per row was the
    load's largest cost (docs/performance.md). `test_pseudonym` holds it equal to the standard library's hmac.
    """
    block = key if len(key) <= SHA256_BLOCK else hashlib.sha256(key).digest()
    block = block.ljust(SHA256_BLOCK, b"\0")
    inner, outer = bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)
    with duckdb.connect() as con:
        con.register("ids", pa.table({"id": pa.array(ids, type=pa.string(), from_pandas=True)}))
        keys = (
            con.execute(
                "SELECT CASE WHEN id <> '' THEN "
                "left(sha256($outer || unhex(sha256($inner || encode(id)))), $length) END AS key FROM ids",
                {"inner": inner, "outer": outer, "length": PSEUDONYM_LENGTH},
            )
            .arrow()
            .read_all()
        )
    # positional, not aligned: to_pandas() numbers its rows 0..n-1, which need not be the labels of `ids`
    values = pd.array(keys.column("key").combine_chunks(), dtype="string[pyarrow]")
    return pd.Series(values, index=ids.index, name=ids.name)


def hmac_pseudonym(respondent_id: str, key: bytes) -> str:
    """One id's pseudonym by the standard library: the reference that `pseudonymise` is checked against."""
    return hmac.new(key, respondent_id.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


class PseudonymMismatch(RuntimeError):
    """A written row's pseudonym is missing or is not the HMAC of its own id: a bug, never repaired silently."""


def check_pseudonyms(ids: pd.Series, keys: pd.Series, key: bytes, sample_size: int = 257) -> None:
    """Every key present where its id is, and, at evenly spaced rows (first and last included), equal to the
    standard library's HMAC of the id on the same row: a shifted key differs from there to the end of the frame."""
    missing = keys.isna() & ids.fillna("").ne("")
    if missing.any():
        raise PseudonymMismatch(f"{int(missing.sum())} row(s) with an id would be written without a pseudonym")
    positions = sorted({round(i * (len(ids) - 1) / (sample_size - 1)) for i in range(sample_size)}) if len(ids) else []
    for position in positions:
        respondent_id, written = ids.iloc[position], keys.iloc[position]
        if respondent_id and not pd.isna(respondent_id) and written != hmac_pseudonym(respondent_id, key):
            raise PseudonymMismatch(f"the pseudonym written for row position {position} is not that of its own id")
