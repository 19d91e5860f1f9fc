"""A Spark session over the Clout tables in one line, for notebooks.

    from clout_nb import session
    spark = session()                      # ./warehouse, or $CLOUT_WAREHOUSE
    spark.sql("SELECT * FROM current_scores ORDER BY rank LIMIT 10").toPandas()

Every table and curated view of the warehouse's catalog (<warehouse>/_catalog/catalog.json) is
registered as a view of its name, the names `./clout sql` and `./clout serve` use (docs/tables.md,
docs/bi.md). The session uses the jobs' own Delta and, for s3a://, hadoop-aws
jars (from the build's jobs/target/classpath.txt, made by the first `./clout` command), and the
jobs' jar, so `rescore` can score a day again with other settings without writing anything.
"""

import json
import os
from pathlib import Path

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession

HOME = Path(os.environ.get("CLOUT_HOME", Path(__file__).resolve().parent.parent))


def _jars(s3a):
    """The jobs' jar and the Delta (and s3a) jars of the build, by path."""
    classpath = HOME / "jobs" / "target" / "classpath.txt"
    shaded = sorted((HOME / "jobs" / "target").glob("clout-jobs-*-spark.jar"))
    if not classpath.exists() or not shaded:
        raise RuntimeError(
            f"Cannot start a Clout session: no build under {HOME / 'jobs' / 'target'}; "
            "run ./clout help once (it builds the jar), or set CLOUT_HOME"
        )
    wanted = ("delta-spark_", "delta-storage-")
    if s3a:
        wanted += ("hadoop-aws-",)
    jars = [
        p
        for p in classpath.read_text().strip().split(os.pathsep)
        if Path(p).name.startswith(wanted) or (s3a and "/software/amazon/" in p)
    ]
    return [str(shaded[-1])] + jars


def session(warehouse=None, raw=None, master=None, app="clout-notebook", conf=None):
    """A Spark session with Delta, the warehouse's tables registered as views.

    warehouse: a folder or s3a://bucket/prefix; default $CLOUT_WAREHOUSE, else ./warehouse under
        the Clout home. s3a credentials come from the standard AWS provider chain; endpoint and
        other fs.s3a settings can be passed in conf as spark.hadoop.fs.s3a.* keys.
    raw: the raw logs (for rescore and the generator's manifest); default $CLOUT_RAW, else
        ./data/raw under the Clout home.
    """
    warehouse = str(warehouse or os.environ.get("CLOUT_WAREHOUSE") or HOME / "warehouse")
    raw = str(raw or os.environ.get("CLOUT_RAW") or HOME / "data" / "raw")
    s3a = warehouse.startswith("s3a://") or raw.startswith("s3a://")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.appName(app)
        .master(master or os.environ.get("CLOUT_SPARK_MASTER", "local[2]"))
        .config("spark.jars", ",".join(_jars(s3a)))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        )
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    spark.conf.set("clout.warehouse", warehouse)
    spark.conf.set("clout.raw", raw)
    if not tables(spark):
        print(
            f"No Clout tables under {warehouse}: run the README's first command, or set "
            "CLOUT_WAREHOUSE to a warehouse"
        )
    return spark


def _fs(spark, path):
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p, p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def _read_text(spark, path):
    """A small file's text through Hadoop (so s3a:// works too), or None if it is not there."""
    p, fs = _fs(spark, path)
    if not fs.exists(p):
        return None
    stream = fs.open(p)
    try:
        return spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()


def tables(spark):
    """Registers the warehouse's tables and curated views as views of their names; returns them.

    The names come from the warehouse's catalog, <warehouse>/_catalog/catalog.json, which the jobs
    write and ./clout sql and ./clout serve read too (docs/bi.md); a Delta folder the catalog does
    not list yet (a warehouse written before it existed) is registered by its folder name.
    """
    warehouse = spark.conf.get("clout.warehouse").rstrip("/")
    text = _read_text(spark, warehouse + "/_catalog/catalog.json")
    catalog = json.loads(text) if text else {"tables": [], "views": []}
    locations = {t["name"]: t["location"] for t in catalog["tables"]}
    root, fs = _fs(spark, warehouse)
    if fs.exists(root):
        for status in fs.listStatus(root):
            name = status.getPath().getName()
            if status.isDirectory() and fs.exists(status.getPath().suffix("/_delta_log")):
                locations.setdefault(name, name)
    names = []
    for name, location in locations.items():
        path = warehouse + "/" + location
        # A first write that never committed (its process killed) leaves a log folder, no table.
        if DeltaTable.isDeltaTable(spark, path):
            spark.read.format("delta").load(path).createOrReplaceTempView(name)
            names.append(name)
    for view in catalog["views"]:
        if all(source in names for source in view.get("sources", [])):
            spark.sql(
                f"CREATE OR REPLACE TEMPORARY VIEW {view['name']} {view.get('column_list', '')}"
                f" AS {view['sql']}"
            )
            names.append(view["name"])
    return sorted(names)


def reports(spark, job):
    """The run reports of one job (ingest, score, moments, perks, daily) as a pandas frame, one row
    per day, nested objects flattened to dotted columns."""
    import pandas as pd

    folder, fs = _fs(spark, spark.conf.get("clout.warehouse") + "/_reports/" + job)
    rows = []
    if fs.exists(folder):
        for status in fs.listStatus(folder):
            stream = fs.open(status.getPath())
            try:
                text = spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(
                    stream, "UTF-8"
                )
            finally:
                stream.close()
            rows.append(json.loads(text))
    frame = pd.json_normalize(rows)
    return frame.sort_values("date").reset_index(drop=True) if len(frame) else frame


def manifest(spark):
    """The generator's manifest (who is viral, quiet, a spammer or in the ring), or None for
    real data."""
    path, fs = _fs(spark, spark.conf.get("clout.raw") + "/_generator/manifest.json")
    if not fs.exists(path):
        return None
    stream = fs.open(path)
    try:
        return json.loads(
            spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
        )
    finally:
        stream.close()


def rescore(spark, day, settings=None):
    """Each person's target score (the calibrated influence, before the day-to-day rules) on day
    D as the warehouse's engagements give it with other settings ({"scoring.half-life-days": "7"}),
    as a pandas frame; nothing is written. The same code as ./clout score."""
    jvm = spark.sparkContext._jvm
    overrides = {
        "paths.warehouse": spark.conf.get("clout.warehouse"),
        "paths.raw": spark.conf.get("clout.raw"),
    }
    overrides.update({k: str(v) for k, v in (settings or {}).items()})
    config = jvm.io.clout.common.config.ConfigLoader.load(None, overrides, {})
    score_job = jvm.io.clout.jobs.score.ScoreJob
    window = jvm.io.clout.jobs.window.InteractionWindow.open(
        spark._jsparkSession, config, jvm.java.time.LocalDate.parse(str(day))
    )
    try:
        computed = score_job.compute(
            window, score_job.noPreviousScores(spark._jsparkSession), config.scoring()
        )
        try:
            return (
                DataFrame(computed.scores(), spark)
                .select("person_id", "target_score", "propagated_rank")
                .toPandas()
            )
        finally:
            computed.close()
    finally:
        window.close()
