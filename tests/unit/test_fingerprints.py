"""One way to detect change: a wave's landing files by content (the sensor) or by stat (`kvis run`)."""

import os

from kvis_pipeline.core.atomic import write_atomically
from kvis_pipeline.core.fingerprints import changed_waves, landing_fingerprint


def test_content_ignores_a_touch_that_stat_notices_and_both_notice_an_edit(settings):
    wave = settings.wave_dir("2025")
    (wave / "survey").mkdir(parents=True)
    (wave / "klyngeoversigt.csv").write_text("klynge_id;klynge_navn\n1;A\n", encoding="utf-8")
    (wave / ".hidden.swp").write_text("an editor's leftover")
    by_content, by_stat = landing_fingerprint(settings, "2025"), landing_fingerprint(settings, "2025", by="stat")

    stat = (wave / "klyngeoversigt.csv").stat()
    os.utime(wave / "klyngeoversigt.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    (wave / ".hidden.swp").write_text("changed, and still left out")
    assert landing_fingerprint(settings, "2025") == by_content
    assert landing_fingerprint(settings, "2025", by="stat") != by_stat

    write_atomically(wave / "klyngeoversigt.csv", "klynge_id;klynge_navn\n1;B\n")
    assert landing_fingerprint(settings, "2025") != by_content
    assert changed_waves(settings, {"2025": by_content}) == {"2025": landing_fingerprint(settings, "2025")}
    assert changed_waves(settings, {"2025": landing_fingerprint(settings, "2025")}) == {}
    assert not list(wave.glob(".*.tmp"))  # the atomic write left nothing aside
