"""Variables set for a block are as they were afterwards, whether the block ends or raises."""

import os

import pytest

from kvis_pipeline.core.environment import variables_set


def test_variables_are_set_in_the_block_and_as_they_were_after_it(monkeypatch):
    monkeypatch.setenv("KVIS_TEST_KEPT", "before")
    monkeypatch.delenv("KVIS_TEST_NEW", raising=False)
    with pytest.raises(RuntimeError), variables_set({"KVIS_TEST_KEPT": "during", "KVIS_TEST_NEW": "during"}):
        assert (os.environ["KVIS_TEST_KEPT"], os.environ["KVIS_TEST_NEW"]) == ("during", "during")
        raise RuntimeError("the block failed")
    assert os.environ["KVIS_TEST_KEPT"] == "before"
    assert "KVIS_TEST_NEW" not in os.environ
