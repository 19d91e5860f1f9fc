"""BI interoperability check (issue 14), the way dashboards and other engines read Clout:

- ./clout serve starts the JDBC endpoint over a warehouse; PyHive through SQLAlchemy, as Superset
  connects (hive://user@host:port/default), lists the tables and views and reads current_scores
  and a curated view, and a write from that connection is refused;
- Spark Connect (./clout serve --connect, Spark 4.2) answers the same counts, time travel
  included, and refuses writes (SQL and DataFrame);
- delta-rs (the `deltalake` package, a second Delta implementation with no JVM) reads `scores` at
  its latest version and at an earlier one, and every other table, and returns the same rows as
  Spark (the gateway's Spark 3.5 over JDBC, time travel included).

    .venv/bin/python gateway/python/check_bi.py --warehouse target/notebooks/fixture/warehouse

Prints one line per check, then "N passed, N failed"; exits 1 if any failed.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOME = Path(__file__).resolve().parent.parent.parent
USER = "superset"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(warehouse, port, connect_port, log):
    """./clout serve --connect in a process group of its own; returns it once both endpoints
    answer."""
    proc = subprocess.Popen(
        [str(HOME / "clout"), "serve", "--warehouse", str(warehouse), "--port", str(port),
         "--connect", "--connect-port", str(connect_port),
         "--conf", "spark.master=local[2]", "--conf", "spark.sql.shuffle.partitions=2"],
        stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
    )
    deadline = time.time() + 600
    for line in proc.stdout:
        print(line.rstrip(), flush=True)
        if "jdbc:hive2://" in line:
            return proc
        if time.time() > deadline:
            break
    stop(proc)
    raise RuntimeError(f"./clout serve did not start (exit {proc.poll()}); see {log.name}")


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def rows(table):
    """A pyarrow table as sorted tuples, dates and times as text (as JDBC gives them)."""
    cols = [table.column(n).to_pylist() for n in table.column_names]
    out = []
    for r in zip(*cols):
        out.append(tuple(None if v is None else v if isinstance(v, (int, float, bool, str))
                         else json.dumps(v, separators=(",", ":")) if isinstance(v, list) else str(v) for v in r))
    return sorted(out, key=repr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--log", type=Path, default=HOME / "target" / "bi-check" / "serve.log")
    args = parser.parse_args()
    warehouse = args.warehouse.resolve()
    args.log.parent.mkdir(parents=True, exist_ok=True)

    from deltalake import DeltaTable
    from sqlalchemy import create_engine, inspect, text

    results = []

    def check(name, fn):
        began = time.time()
        try:
            fn()
            results.append(True)
            print(f"ok    {name} ({time.time() - began:.1f} s)", flush=True)
        except Exception as e:  # a failed check is reported, the others still run
            results.append(False)
            print(f"FAIL  {name}: {type(e).__name__}: {str(e)[:600]}", flush=True)

    port, connect_port = free_port(), free_port()
    started = time.time()
    with open(args.log, "w") as log:
        proc = serve(warehouse, port, connect_port, log)
    print(f"endpoint up in {time.time() - started:.0f} s", flush=True)
    engine = create_engine(f"hive://{USER}@127.0.0.1:{port}/default")
    try:
        def sql(q):
            with engine.connect() as c:
                return [tuple(r) for r in c.execute(text(q)).fetchall()]

        def lists_tables_and_views():
            # Not inspect(engine).get_table_names(): PyHive reads the first column of SHOW TABLES,
            # which Spark's Thrift server fills with the database (PyHive issue 150; docs/bi.md).
            names = {r[1] for r in sql("SHOW TABLES")}
            wanted = {"scores", "current_scores", "current_score_changes", "top_movers",
                      "score_distribution", "moment_engagers", "latest_unanswered_influencers"}
            assert wanted <= names, f"missing {sorted(wanted - names)}"
            columns = [c["name"] for c in inspect(engine).get_columns("current_scores")]
            assert columns[:3] == ["score_date", "person_id", "score"], columns

        def reads_current_scores():
            served = sorted(sql("SELECT person_id, score, rank FROM current_scores"), key=repr)
            assert len(served) > 0, "no rows"
            direct = DeltaTable(str(warehouse / "current_scores")).to_pyarrow_table(
                columns=["person_id", "score", "rank"])
            assert served == rows(direct), "rows differ from the table's"
            top = [r[0] for r in sql("SELECT rank FROM current_score_changes ORDER BY rank LIMIT 10")]
            assert top == sorted(top) and len(top) == min(10, len(served)), top

        def refuses_a_write():
            try:
                sql("INSERT INTO scores SELECT * FROM scores LIMIT 1")
            except Exception as e:
                assert "read-only" in str(e), str(e)[:300]
                return
            raise AssertionError("the INSERT was not refused")

        cols = "person_id, score_date, score, score_change, rank, networks"

        def delta_rs_reads_scores_at_latest():
            dt = DeltaTable(str(warehouse / "scores"))
            assert dt.version() >= 1, f"scores has one version only ({dt.version()})"
            mine = rows(dt.to_pyarrow_table(columns=[c.strip() for c in cols.split(",")]))
            spark = sorted(sql(f"SELECT {cols.replace('networks', 'to_json(networks)')} FROM scores"),
                           key=repr)
            assert len(mine) > 0 and mine == spark, f"{len(mine)} rows vs {len(spark)}"

        def delta_rs_reads_scores_at_an_earlier_version():
            latest = DeltaTable(str(warehouse / "scores")).version()
            earlier = latest - 1
            dt = DeltaTable(str(warehouse / "scores"), version=earlier)
            mine = rows(dt.to_pyarrow_table(columns=[c.strip() for c in cols.split(",")]))
            spark = sorted(sql(f"SELECT {cols.replace('networks', 'to_json(networks)')} FROM scores"
                               f" VERSION AS OF {earlier}"), key=repr)
            assert mine == spark, f"{len(mine)} rows vs {len(spark)} at version {earlier}"
            now = DeltaTable(str(warehouse / "scores")).to_pyarrow_table(columns=["score_date"])
            assert len(mine) < now.num_rows, "the earlier version has as many rows as the latest"

        def delta_rs_reads_every_table():
            catalog = json.loads((warehouse / "_catalog" / "catalog.json").read_text())
            for t in catalog["tables"]:
                n = DeltaTable(str(warehouse / t["location"])).to_pyarrow_table().num_rows
                (m,), = sql(f"SELECT count(*) FROM {t['name']}")
                assert n == m, f"{t['name']}: delta-rs {n} rows, Spark {m}"

        def spark_connect_serves_the_same_names():
            from pyspark.sql import SparkSession

            remote = SparkSession.builder.remote(f"sc://127.0.0.1:{connect_port}").getOrCreate()
            try:
                for name in ("current_scores", "top_movers"):
                    (n,), = sql(f"SELECT count(*) FROM {name}")
                    got = remote.sql(f"SELECT count(*) AS n FROM {name}").collect()[0]["n"]
                    assert got == n, f"{name}: Spark Connect {got} rows, JDBC {n}"
                earlier = DeltaTable(str(warehouse / "scores")).version() - 1
                (n,), = sql(f"SELECT count(*) FROM scores VERSION AS OF {earlier}")
                got = remote.sql(
                    f"SELECT count(*) AS n FROM scores VERSION AS OF {earlier}").collect()[0]["n"]
                assert got == n, f"scores at version {earlier}: Spark Connect {got}, JDBC {n}"
            finally:
                remote.stop()

        def spark_connect_refuses_writes():
            from pyspark.sql import SparkSession

            remote = SparkSession.builder.remote(f"sc://127.0.0.1:{connect_port}").getOrCreate()
            before = DeltaTable(str(warehouse / "scores")).version()
            try:
                attempts = {
                    "INSERT": lambda: remote.sql(
                        "INSERT INTO scores SELECT * FROM scores LIMIT 1").collect(),
                    "DataFrame save": lambda: remote.range(1).write.format("delta").mode(
                        "append").save(str(warehouse / "scores")),
                    "CREATE TABLE": lambda: remote.sql(
                        "CREATE TABLE bi_copy AS SELECT * FROM scores").collect(),
                }
                for what, attempt in attempts.items():
                    try:
                        attempt()
                    except Exception as e:
                        assert "read-only" in str(e), f"{what}: {str(e)[:300]}"
                        continue
                    raise AssertionError(f"{what} over Spark Connect was not refused")
                assert remote.sql("SELECT count(*) AS n FROM scores").collect()[0]["n"] > 0
            finally:
                remote.stop()
            assert DeltaTable(str(warehouse / "scores")).version() == before, "scores changed"

        check("SQLAlchemy (hive://) lists the tables and views with their columns",
              lists_tables_and_views)
        check("PyHive reads current_scores and current_score_changes", reads_current_scores)
        check("a write over the BI connection is refused", refuses_a_write)
        check("delta-rs reads scores at the latest version, as Spark does",
              delta_rs_reads_scores_at_latest)
        check("delta-rs reads scores at an earlier version, as Spark does",
              delta_rs_reads_scores_at_an_earlier_version)
        check("delta-rs reads every table with Spark's row count", delta_rs_reads_every_table)
        check("Spark Connect (sc://) serves the same tables and views, time travel included",
              spark_connect_serves_the_same_names)
        check("a write over Spark Connect (SQL or DataFrame) is refused, the table unchanged",
              spark_connect_refuses_writes)
    finally:
        engine.dispose()
        stop(proc)
    passed, failed = results.count(True), results.count(False)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
