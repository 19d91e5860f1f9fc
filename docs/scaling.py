"""The numbers of docs/scaling.md, from a full `./clout bench` run (standard library only).

    python3 docs/scaling.py docs/bench.json [BENCH_OUT_DIR]

BENCH_OUT_DIR is the bench's --out folder: with it, each table's files and bytes for the day of
the largest workload are counted from its warehouse (work/<events>/warehouse).
"""

import json
import math
import os
import sys

STAGES = ["ingest", "score", "moments", "perks"]
# Klout's scale, as issue #18 puts it: hundreds of millions of people, tens of billions of
# engagements a day. The generator writes about 6.7 lines per person and day; Klout's people
# were far less active on average, so the people count below is not lines / 6.7.
KLOUT_LINES = 20e9
KLOUT_PEOPLE = 500e6
CLUSTER_CORES = [1000, 4000]


def fit(xs, ys):
    """Least-squares line y = a + b x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def growth(xs, ys):
    """The exponent k of y ~ x^k between the smallest and the largest size."""
    return math.log(ys[-1] / ys[0]) / math.log(xs[-1] / xs[0])


def wall(w, stage):
    if stage == "perks":
        return w["daily_s"] - w["ingest_s"] - w["score_s"] - w["moments_s"]
    return w[stage + "_s"]


# What each table's rows grow with: raw lines, or people (scored persons).
GROWS_WITH = {
    "engagements": "lines",
    "rejected_events": "lines",
    "outreach": "lines",
    "engagement_breakdown": "lines",
}


def table_files(warehouse):
    """Each table's live files (its Delta log's adds not removed since), bytes and rows."""
    out = {}
    for table in sorted(os.listdir(warehouse)):
        log = os.path.join(warehouse, table, "_delta_log")
        if table.startswith("_") or not os.path.isdir(log):
            continue
        live = {}
        for name in sorted(n for n in os.listdir(log) if n.endswith(".json")):
            for line in open(os.path.join(log, name)):
                action = json.loads(line)
                if "add" in action:
                    add = action["add"]
                    rows = json.loads(add["stats"])["numRecords"] if add.get("stats") else 0
                    live[add["path"]] = (add["size"], rows)
                elif "remove" in action:
                    live.pop(action["remove"]["path"], None)
        out[table] = (len(live), sum(v[0] for v in live.values()), sum(v[1] for v in live.values()))
    return out


def main():
    bench = json.load(open(sys.argv[1]))
    ws = bench["workloads"]
    lines = [w["lines"] for w in ws]
    print("| stage | " + " | ".join(f"{n / 1e6:.2f}M lines: wall s / task s" for n in lines)
          + " | growth k (wall) | task s per 1M lines (marginal) | shuffle MiB per 1M lines | output MiB per 1M lines |")
    print("| --- " * (len(lines) + 5) + "|")
    marginal = {}
    for stage in STAGES:
        walls = [wall(w, stage) for w in ws]
        tasks = [w["spark_by_stage"][stage]["task_s"] for w in ws]
        _, b = fit(lines, tasks)
        marginal[stage] = b
        big = ws[-1]["spark_by_stage"][stage]
        shuffle = big["shuffle_write_bytes"] / big_lines(ws) * 1e6 / 2**20
        output = big["output_bytes"] / big_lines(ws) * 1e6 / 2**20
        cells = " | ".join(f"{a:.0f} / {t:.0f}" for a, t in zip(walls, tasks))
        print(f"| {stage} | {cells} | {growth(lines, walls):.2f} | {b * 1e6:.0f} | {shuffle:.1f} | {output:.1f} |")
    total = sum(marginal.values())
    print()
    print(f"Marginal task time, all stages: {total * 1e6:.0f} s per 1M lines.")
    core_h = total * KLOUT_LINES / 3600
    print(f"At {KLOUT_LINES:.0e} lines a day: {core_h:,.0f} core-hours a day; "
          + ", ".join(f"{core_h / c:.1f} h on {c:,} cores" for c in CLUSTER_CORES)
          + " (perfect spread: a lower bound).")
    for stage in STAGES:
        big = ws[-1]["spark_by_stage"][stage]
        tb = big["shuffle_write_bytes"] / big_lines(ws) * KLOUT_LINES / 2**40
        print(f"- {stage}: shuffle {tb:,.1f} TiB a day, {big['spark_stages']} Spark stages at {lines[-1] / 1e6:.1f}M lines")
    if len(sys.argv) > 2:
        big = ws[-1]
        wh = os.path.join(sys.argv[2], "work", str(big["events_target"]), "warehouse")
        print()
        print(f"| table | files | MiB | rows | bytes per row | grows with | at Klout's scale: GiB a day |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for table, (files, size, rows) in table_files(wh).items():
            driver = GROWS_WITH.get(table, "people")
            scale = KLOUT_LINES / big["lines"] if driver == "lines" else KLOUT_PEOPLE / big["persons"]
            per_row = size / rows if rows else 0
            print(f"| {table} | {files} | {size / 2**20:.1f} | {rows:,} | {per_row:.0f} | {driver} "
                  f"| {size * scale / 2**30:,.0f} |")


def big_lines(ws):
    return ws[-1]["lines"]


if __name__ == "__main__":
    main()
