"""Runs every notebook headless and saves each, executed, as .ipynb and .html.

    python notebooks/run_all.py --fixture target/notebooks/fixture --out target/notebooks

--fixture DIR builds a small warehouse first with the project's own jobs (./clout generate, then
./clout backfill), adds the log folder an interrupted first write leaves, and points the notebooks
at it. A failing cell fails its notebook; the run ends
with "N passed, N failed" and exits 1 if any failed. Before the real notebooks it runs a notebook
with a broken query and requires it to fail, so a run that passes shows that failures are caught.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

HERE = Path(__file__).resolve().parent
HOME = HERE.parent
BROKEN = "from clout_nb import session\nsession().sql('SELECT no_such_column FROM scores').show()"


def build_fixture(folder, days, persons):
    raw, warehouse = folder / "raw", folder / "warehouse"
    clout = str(HOME / "clout")
    if not (warehouse / "scores").exists():
        subprocess.run(
            [clout, "generate", "--out", str(raw), "--days", str(days), "--persons", str(persons)],
            check=True,
        )
        last = f"2026-01-{days:02d}"
        subprocess.run(
            [clout, "backfill", "--from", "2026-01-01", "--to", last, "--raw", str(raw),
             "--warehouse", str(warehouse)],
            check=True,
        )
    # What a process killed during a table's first write leaves: a log folder with no commit. The
    # notebooks (and the BI check on this warehouse) must not take it for a table.
    (warehouse / "interrupted_first_write" / "_delta_log" / "_staged_commits").mkdir(
        parents=True, exist_ok=True
    )
    os.environ["CLOUT_RAW"] = str(raw.resolve())
    os.environ["CLOUT_WAREHOUSE"] = str(warehouse.resolve())


def execute(notebook, out):
    """Runs one notebook in the notebooks folder; returns None or the error."""
    error = None
    try:
        NotebookClient(
            notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        ).execute()
    except Exception as e:  # a failing cell: nbclient's CellExecutionError and its kin
        error = e
    if out is not None:
        nbformat.write(notebook, out.with_suffix(".ipynb"))
        html, _ = HTMLExporter().from_notebook_node(notebook)
        out.with_suffix(".html").write_text(html, encoding="utf-8")
    return error


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook here")
    parser.add_argument("--out", type=Path, default=HOME / "target" / "notebooks")
    parser.add_argument("--fixture", type=Path, help="build a generated warehouse here first")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.fixture:
        build_fixture(args.fixture, args.days, args.persons)

    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BROKEN)])
    if execute(broken, None) is None:
        print("FAILED self-check: a notebook with a broken query ran without an error")
        return 1
    print("self-check: a notebook with a broken query fails, as it should")

    passed, failed = 0, 0
    for path in args.notebooks or sorted(HERE.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        error = execute(notebook, args.out / path.stem)
        if error is None:
            passed += 1
            print(f"passed {path.name} -> {args.out / path.stem}.html")
        else:
            failed += 1
            print(f"FAILED {path.name}: {str(error).strip().splitlines()[-1]}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
