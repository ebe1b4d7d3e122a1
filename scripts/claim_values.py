"""Execute chapter notebooks and record every claim value, to compare two runs.

    python scripts/claim_values.py run OUT.json [NOTEBOOK ...]   # default: every chapter
    python scripts/claim_values.py run --processor no-avx2 OUT.json [NOTEBOOK ...]
    python scripts/claim_values.py compare A.json B.json

``run`` executes each notebook in a fresh kernel and writes, per notebook, the
machine-readable record of every displayed claim result, in cell order. The kernel
inherits the environment; ``--processor no-avx2`` sets the variables that make torch
(ATen's vector kernels, MKL), OpenBLAS and NumPy take the code paths of a processor
without AVX2, so one machine shows how the claims fare where the last bits of every
float differ. A cell that raised is recorded
with its error, so a failing claim shows up in the comparison instead of stopping it.

``compare`` prints every claim whose predicted or measured value differs between two
such files (bit for bit) and exits non-zero if any does: the determinism test runs it on
two executions of the same notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from unsup.claims import MIME_TYPE

ROOT = Path(__file__).resolve().parent.parent
PROCESSORS: dict[str, dict[str, str]] = {
    "native": {},
    "no-avx2": {
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "AVX",
        "OPENBLAS_CORETYPE": "Sandybridge",
        "NPY_DISABLE_CPU_FEATURES": "AVX2 FMA3",
    },
}


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook under notebooks/, sorted."""
    return sorted(
        p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def claim_records(nb: Any) -> list[dict[str, Any]]:
    """The claim records of an executed notebook, each tagged with its cell index."""
    records: list[dict[str, Any]] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                for result in data[MIME_TYPE]["results"]:
                    records.append({"cell": index, **result})
            elif output.get("output_type") == "error":
                records.append({"cell": index, "error": f"{output['ename']}: {output['evalue']}"})
    return records


def execute(path: Path) -> tuple[list[dict[str, Any]], float]:
    """Run one notebook in a fresh kernel; return its claim records and the wall time."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1200,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return claim_records(nb), time.perf_counter() - start


def run(out: Path, notebooks: list[Path]) -> None:
    values: dict[str, list[dict[str, Any]]] = {}
    for path in notebooks:
        records, seconds = execute(path)
        name = str(path.resolve().relative_to(ROOT))
        values[name] = records
        errors = sum("error" in r for r in records)
        print(f"{name}: {len(records)} claims, {errors} errors, {seconds:.1f} s", flush=True)
    out.write_text(json.dumps(values, indent=1, sort_keys=True))


def differences(a: dict[str, list[dict]], b: dict[str, list[dict]]) -> list[str]:
    """One line per claim whose record differs between two runs (or is in one only)."""
    lines = []
    for name in sorted(set(a) | set(b)):
        left, right = a.get(name), b.get(name)
        if left is None or right is None:
            lines.append(f"{name}: only in {'the second' if left is None else 'the first'} run")
            continue
        if len(left) != len(right):
            lines.append(f"{name}: {len(left)} claims against {len(right)}")
        for x, y in zip(left, right):
            if x != y:
                claim = x.get("claim", x.get("error"))
                lines.append(
                    f"{name} cell {x['cell']}: {claim}\n"
                    f"    measured {x.get('measured', x.get('error'))!r}"
                    f" -> {y.get('measured', y.get('error'))!r}"
                    f" (passed {x.get('passed')} -> {y.get('passed')})"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="execute notebooks and write their claim values")
    run_p.add_argument("--processor", choices=sorted(PROCESSORS), default="native")
    run_p.add_argument("out", type=Path)
    run_p.add_argument("notebooks", nargs="*", type=Path)
    cmp_p = sub.add_parser("compare", help="print the claims that differ between two runs")
    cmp_p.add_argument("first", type=Path)
    cmp_p.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    if args.command == "run":
        os.environ.update(PROCESSORS[args.processor])
        run(args.out, args.notebooks or chapter_notebooks())
        return 0
    lines = differences(json.loads(args.first.read_text()), json.loads(args.second.read_text()))
    print("\n".join(lines) if lines else "identical claim values")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
