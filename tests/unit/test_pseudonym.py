import hashlib
import hmac
import os
import stat

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kvis_pipeline.ingest.pseudonym import load_pseudonym_key, pseudonymise


def test_key_file_is_made_once_readable_by_its_owner_only(tmp_path):
    env = {"KVIS_PSEUDONYM_KEY_FILE": str(tmp_path / "conf" / "pseudonym.key")}
    first = load_pseudonym_key(env)
    second = load_pseudonym_key(env)
    assert first == second and len(first) == 64
    assert stat.S_IMODE(os.stat(env["KVIS_PSEUDONYM_KEY_FILE"]).st_mode) == 0o600


def test_setting_wins_over_key_file(tmp_path):
    assert load_pseudonym_key({"KVIS_PSEUDONYM_KEY": "abc" * 12, "KVIS_PSEUDONYM_KEY_FILE": str(tmp_path / "k")}) == (
        b"abc" * 12
    )
    assert not (tmp_path / "k").exists()


def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    ids = pd.Series(["824171737", "824102253", ""])
    a, b = pseudonymise(ids, b"k" * 32), pseudonymise(ids, b"j" * 32)
    assert a[0] == pseudonymise(ids, b"k" * 32)[0] and a[0] != a[1]
    assert a[0] != b[0]
    assert pd.isna(a[2])
    assert len(a[0]) == 32 and "824171737" not in a[0]


@given(key=st.binary(min_size=1, max_size=150), ids=st.lists(st.from_regex(r"\d{1,12}", fullmatch=True), max_size=20))
def test_pseudonyms_are_the_standard_librarys_hmac_sha256(key, ids):
    expected = [hmac.new(key, i.encode(), hashlib.sha256).hexdigest()[:32] for i in ids]
    assert list(pseudonymise(pd.Series(ids, dtype=object), key)) == expected
