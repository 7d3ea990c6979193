"""A BI server's view of the publication: the connection recipe of docs/bi-tools.md, run as it stands, reads the
marts and the Parquet files and no other file; and readers querying in a loop from one long-lived process while kvis
publishes over and over see each publication whole, and the new one as soon as it is swapped in.

`python tests/integration/test_bi_readers.py` prints the figures of the loop (queries, publications, mixed and stale
answers, how soon the new numbers appeared)."""

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parents[2]
RECIPE = REPO / "docs" / "bi-tools.md"
PUBLICATIONS = 20
# one query over two tables: a publication i has i in both, so (i, j) with i != j is a mix of two publications
BOTH_TABLES = "SELECT r.respondents, s.n_positive FROM {r} AS r JOIN {s} AS s USING (wave)"

PUBLISHER = """
import sys, time
from pathlib import Path
import duckdb
from kvis_pipeline.publish.publication import publish_marts
root, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + count):
    warehouse = root / f"warehouse-{i}.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(f"CREATE TABLE marts.national_response AS SELECT '2025' AS wave, {i} AS respondents")
        con.execute(f"CREATE TABLE marts.national_results AS SELECT '2025' AS wave, {i} AS n_positive")
    start = time.time()
    publish_marts(warehouse, root / "published")
    print(i, start, time.time(), flush=True)
    time.sleep(0.05 + (i % 4) * 0.05)
"""


def recipe_listener(publication: Path):
    """The superset_config.py snippet of docs/bi-tools.md, with this publication's path; returns its listener."""
    code = re.search(r"```python\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.S).group(1)
    code = code.replace('"/srv/kvis/published"', repr(str(publication)))
    namespace: dict = {}
    exec(compile(code, str(RECIPE), "exec"), namespace)
    return namespace["kvis_publication"]


@pytest.fixture
def recipe_engine(tmp_path):
    """A NullPool engine on duckdb:///:memory: with the recipe's listener, removed again after the test."""
    publication = tmp_path / "published"
    listener = recipe_listener(publication)
    yield sqlalchemy.create_engine("duckdb:///:memory:", poolclass=NullPool), publication
    event.remove(Engine, "connect", listener)


def publish(root: Path, first: int, count: int) -> subprocess.Popen:
    """Publications first, first + 1, ... from tiny warehouses, by kvis' own publish_marts, in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(root), str(first), str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def first_publication(root: Path) -> None:
    process = publish(root, 1, 1)
    process.communicate(timeout=120)
    assert process.returncode == 0


def test_recipe_reads_the_publication_and_no_other_file(recipe_engine, tmp_path):
    engine, publication = recipe_engine
    first_publication(tmp_path)
    secret = tmp_path / "superset_config.py"
    secret.write_text("SECRET_KEY = 'not for SQL Lab'\n")
    with engine.connect() as con:
        assert con.execute(text("SELECT respondents FROM marts.national_response")).fetchall() == [(1,)]
        assert con.execute(text("SELECT current_database()")).scalar() == "kvis"
        parquet = publication / "parquet" / "national_results.parquet"
        assert con.execute(text(f"SELECT n_positive FROM read_parquet('{parquet}')")).fetchall() == [(1,)]
    refused = [
        f"SELECT * FROM read_csv('{secret}')",
        "SELECT * FROM read_csv('/etc/passwd')",
        f"SELECT * FROM read_text('{publication}/../superset_config.py')",
        f"ATTACH '{tmp_path / 'warehouse-1.duckdb'}' AS other (READ_ONLY)",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
    ]
    for sql in refused:
        with engine.connect() as con, pytest.raises(sqlalchemy.exc.DBAPIError):
            con.execute(text(sql))
    assert not (tmp_path / "out.csv").exists()


def run_readers(root: Path, query, threads: int = 2) -> tuple[list[tuple], list[tuple]]:
    """Publish PUBLICATIONS times while `threads` readers run `query()` in a loop; returns the publications
    (number, start, end) and the answers (start, end, first table's number, second table's number)."""
    first_publication(root)
    answers: list[tuple] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            start = time.time()
            first, second = query()
            answers.append((start, time.time(), first, second))

    readers = [threading.Thread(target=read) for _ in range(threads)]
    for reader in readers:
        reader.start()
    publisher = publish(root, 2, PUBLICATIONS)
    out, _ = publisher.communicate(timeout=600)
    done.set()
    for reader in readers:
        reader.join()
    assert publisher.returncode == 0
    publications = [(int(i), float(s), float(e)) for i, s, e in (line.split() for line in out.splitlines())]
    return publications, answers


def judge(publications: list[tuple], answers: list[tuple]) -> dict:
    """Mixed: two publications in one answer. Stale: older than the last publication swapped in before the query
    started. Delay: from a publication's swap to the start of the first query that saw it."""
    mixed = [a for a in answers if a[2] != a[3]]
    current = [max([1] + [i for i, _, end in publications if end < start]) for start, *_ in answers]
    stale = [a for a, expected in zip(answers, current) if a[2] < expected]
    delays = []
    for i, _, end in publications:
        seen = [start for start, _, first, _ in answers if first >= i]
        if seen:
            delays.append(max(0.0, min(seen) - end))
    return {
        "queries": len(answers),
        "publications": len(publications),
        "mixed": len(mixed),
        "stale": len(stale),
        "longest_delay_s": round(max(delays, default=0.0), 3),
    }


def recipe_query(engine):
    def query():
        with engine.connect() as con:
            return con.execute(text(BOTH_TABLES.format(r="marts.national_response", s="marts.national_results"))).one()

    return query


def parquet_query(engine, publication: Path):
    r, s = (
        f"read_parquet('{publication}/parquet/{table}.parquet')" for table in ("national_response", "national_results")
    )

    def query():
        with engine.connect() as con:
            return con.execute(text(BOTH_TABLES.format(r=r, s=s))).one()

    return query


def test_recipe_reader_sees_each_publication_whole_and_at_once(recipe_engine, tmp_path):
    engine, _ = recipe_engine
    figures = judge(*run_readers(tmp_path, recipe_query(engine)))
    assert figures["publications"] == PUBLICATIONS and figures["queries"] > PUBLICATIONS
    assert figures["mixed"] == 0 and figures["stale"] == 0, figures


def test_parquet_reader_sees_the_new_files_at_once(recipe_engine, tmp_path):
    engine, publication = recipe_engine
    figures = judge(*run_readers(tmp_path, parquet_query(engine, publication)))
    assert figures["publications"] == PUBLICATIONS and figures["queries"] > PUBLICATIONS
    assert figures["stale"] == 0, figures


def plain_query(database: Path):
    """Connecting to the file path itself, as most clients do."""

    def query():
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(BOTH_TABLES.format(r="marts.national_response", s="marts.national_results")).fetchone()

    return query


def test_plain_file_connections_never_mix_two_publications(tmp_path):
    """Answers are whole, but stale while another connection to the path is open (measured, not asserted)."""
    figures = judge(*run_readers(tmp_path, plain_query(tmp_path / "published" / "kvis.duckdb")))
    assert figures["mixed"] == 0, figures


if __name__ == "__main__":
    import tempfile

    for name in sys.argv[1:] or ("recipe", "parquet", "plain"):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            listener = recipe_listener(root / "published")
            engine = sqlalchemy.create_engine("duckdb:///:memory:", poolclass=NullPool)
            query = {
                "recipe": recipe_query(engine),
                "parquet": parquet_query(engine, root / "published"),
                "plain": plain_query(root / "published" / "kvis.duckdb"),
            }[name]
            print(name, judge(*run_readers(root, query)))
            event.remove(Engine, "connect", listener)
