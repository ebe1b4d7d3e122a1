"""`make bench`: the budgets of DESIGN.md, measured on this machine.

Prints three tables:

1. each chapter notebook's execution time (budget 60 s),
2. each explorer's update latency, compute plus PNG render, over a sweep of every
   control (budget 100 ms at the 95th percentile),
3. the package's divergences against scipy / torch on large batches (time ratio),
4. one or more tables per topic module, from every ``benchmarks/bench_*.py``
   (each defines ``run(table)``, where ``table(title, header, rows)`` prints a table).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from timing import best_time

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_BUDGET_S = 60.0
SLIDER_BUDGET_MS = 100.0


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths))
    print(f"\n## {title}\n\n| {line} |\n|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")


def bench_notebooks() -> None:
    """Each notebook executed twice in fresh kernels: its time, and whether the two runs
    gave identical claim values (the determinism check over every chapter)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import claim_values

    rows = []
    for path in claim_values.chapter_notebooks():
        first, seconds = claim_values.execute(path)
        second, _ = claim_values.execute(path)
        name = str(path.relative_to(ROOT))
        moved = claim_values.differences({name: first}, {name: second})
        errors = sum("error" in r for r in first)
        verdict = "ok" if seconds <= NOTEBOOK_BUDGET_S else "OVER BUDGET"
        same = "identical" if not moved else f"{len(moved)} DIFFER"
        rows.append([name, f"{seconds:.1f}", f"{NOTEBOOK_BUDGET_S:.0f}", verdict,
                     str(len(first) - errors), same])
    times = [float(r[1]) for r in rows]
    if times:
        rows.append(["median", f"{statistics.median(times):.1f}", "30", "", "", ""])
    table("Notebook execution (seconds, end to end, fresh kernel) and claim values in two runs",
          ["notebook", "time", "budget", "", "claims", "two runs"], rows)


def sweep_values(explorer, steps: int) -> list[dict]:
    from unsup.interactive import Choice

    points = []
    for name, control in explorer.controls.items():
        if isinstance(control, Choice):
            values = list(control.options)
        else:
            values = np.linspace(control.low, control.high, steps).tolist()
            values = [int(round(v)) for v in values] if control.integer else values
        points += [explorer.defaults() | {name: v} for v in values]
    return points


def explorer_latencies(module: str, steps: int) -> list[list[str]]:
    """Sweep the explorers declared in one figure module; one table row per explorer."""
    from unsup.interactive import all_explorers

    importlib.import_module(module)
    rows = []
    for explorer in all_explorers():
        if explorer.draw.__module__ != module:
            continue
        explorer.render()  # warm caches, as the first display does
        latencies = []
        for values in sweep_values(explorer, steps):
            start = time.perf_counter()
            explorer.render(**values)
            latencies.append(1000 * (time.perf_counter() - start))
        median, p95 = np.median(latencies), np.percentile(latencies, 95)
        verdict = "ok" if p95 <= SLIDER_BUDGET_MS else "OVER BUDGET"
        rows.append([explorer.name, str(len(latencies)), f"{median:.1f}", f"{p95:.1f}",
                     f"{SLIDER_BUDGET_MS:.0f}", verdict])
    return rows


def bench_explorers(steps: int) -> None:
    """Each chapter's explorers in a fresh process, as in a reader's kernel, which holds
    one chapter's state; timing all of them in one process measures a heap no reader has."""
    import unsup.figures as figures

    rows = []
    for info in pkgutil.iter_modules(figures.__path__, prefix="unsup.figures."):
        out = subprocess.run([sys.executable, __file__, "--explorers-of", info.name,
                              "--steps", str(steps)], check=True, capture_output=True,
                             text=True, env=os.environ | {"TQDM_DISABLE": "1"}).stdout
        rows += json.loads(out.strip().splitlines()[-1])
    table("Explorer update latency (ms, figure computed and rendered to PNG; "
          "each chapter in a fresh process)",
          ["explorer", "updates", "median", "p95", "budget", ""], rows)


def bench_divergences() -> None:
    import scipy.spatial.distance as ssd
    import scipy.stats as ss
    import torch

    from unsup import divergences as dv

    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(100), size=10_000)
    q = rng.dirichlet(np.ones(100), size=10_000)
    x, y = rng.standard_normal(1_000_000), rng.standard_normal(800_000) + 0.3
    d = 50
    a = rng.standard_normal((d, d))
    cov0, cov1 = a @ a.T / d + np.eye(d), np.eye(d) * 2.0
    mu0, mu1 = rng.standard_normal(d), rng.standard_normal(d)
    t_mu0, t_mu1 = torch.tensor(mu0), torch.tensor(mu1)
    t_cov0, t_cov1 = torch.tensor(cov0), torch.tensor(cov1)
    mvn = torch.distributions.MultivariateNormal
    t_p, t_q = torch.distributions.Categorical(probs=torch.tensor(p)), torch.distributions.Categorical(
        probs=torch.tensor(q))

    cases = [
        ("kl, 10000 x 100 batch", lambda: dv.kl(p, q), "scipy.stats.entropy",
         lambda: ss.entropy(p, q, axis=-1)),
        ("kl, 10000 x 100 batch", lambda: dv.kl(p, q), "torch kl_divergence(Categorical)",
         lambda: torch.distributions.kl_divergence(t_p, t_q)),
        ("js, 10000 x 100 batch", lambda: dv.js(p, q), "scipy jensenshannon",
         lambda: ssd.jensenshannon(p, q, axis=-1)),
        ("wasserstein1, 1e6 vs 8e5 samples", lambda: dv.wasserstein1(x, y),
         "scipy.stats.wasserstein_distance", lambda: ss.wasserstein_distance(x, y)),
        ("kl_gaussian, d = 50", lambda: dv.kl_gaussian(mu0, cov0, mu1, cov1),
         "torch kl_divergence(MultivariateNormal)",
         lambda: torch.distributions.kl_divergence(mvn(t_mu0, t_cov0), mvn(t_mu1, t_cov1))),
    ]
    rows = []
    for name, ours, ref_name, ref in cases:
        t_ours, t_ref = best_time(ours), best_time(ref)
        rows.append([name, f"{1000 * t_ours:.2f}", ref_name, f"{1000 * t_ref:.2f}", f"{t_ours / t_ref:.2f}"])
    table("unsup.divergences against reference libraries (best of 5, ms)",
          ["operation", "unsup", "reference", "reference ms", "ratio (unsup / ref)"], rows)


def bench_topics() -> None:
    """Run every `benchmarks/bench_*.py`: each defines `run(table)` and prints its own tables."""
    import importlib.util

    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.run(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebooks", action="store_true", help="only explorers and divergences")
    parser.add_argument("--steps", type=int, default=25, help="slider positions per control")
    parser.add_argument("--explorers-of", metavar="MODULE",
                        help="internal: print the latency rows of one figure module as JSON")
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    if args.explorers_of:
        print(json.dumps(explorer_latencies(args.explorers_of, args.steps)))
        return
    print(f"# Benchmarks ({os.cpu_count()} CPU cores)")
    if not args.skip_notebooks:
        bench_notebooks()
    bench_explorers(args.steps)
    bench_divergences()
    bench_topics()


if __name__ == "__main__":
    main()
