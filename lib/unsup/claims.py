"""Claim checks: compare a source's claim with what an experiment measures.

A check shows the claim, the predicted value, the measured value and the rule
(a tolerance or an inequality), and raises :class:`ClaimFailed` when the rule is
broken, so that a notebook run by nbval or by the book build fails loudly.

Every check is also appended to :data:`LEDGER`, so a page can list them all. The
displayed result also carries a machine-readable copy of itself under the mime type
:data:`MIME_TYPE` (ignored by renderers), from which the book build generates its
claims ledger out of the executed notebooks.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from .seeds import Spread

RELATIONS = {
    "<=": np.less_equal,
    ">=": np.greater_equal,
    "<": np.less,
    ">": np.greater,
}


MIME_TYPE = "application/vnd.unsup.claims+json"
"""Mime type of the machine-readable record that every displayed claim result carries."""


class ClaimFailed(AssertionError):
    """Raised when a measured value breaks the rule of its claim."""


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one claim check (scalars, or the worst case over many values)."""

    claim: str
    predicted: float
    measured: float
    rule: str
    passed: bool
    count: int = 1
    source: str | None = None
    spread: Spread | None = None

    def _cells(self) -> list[str]:
        mark = "pass" if self.passed else "FAIL"
        many = f" (worst of {self.count})" if self.count > 1 else ""
        seeds = f"; over seeds {self.spread}" if self.spread is not None else ""
        measured = _fmt(self.measured) + many + seeds
        return [self.claim, _fmt(self.predicted), measured, self.rule, mark]

    def __str__(self) -> str:
        claim, predicted, measured, rule, mark = self._cells()
        return f"[{mark}] {claim}: predicted {predicted}, measured {measured}, rule {rule}"

    def _repr_html_(self) -> str:
        return ClaimTable([self])._repr_html_()

    def to_record(self) -> dict[str, Any]:
        """A JSON-safe dict of the result; infinities become the strings "inf" and "-inf"."""
        return {
            "claim": self.claim,
            "predicted": _json_number(self.predicted),
            "measured": _json_number(self.measured),
            "rule": self.rule,
            "passed": self.passed,
            "count": self.count,
            "source": self.source,
            **({"spread": self.spread.to_record()} if self.spread is not None else {}),
        }

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return ClaimTable([self])._repr_mimebundle_(include, exclude)


@dataclass(frozen=True)
class ClaimTable:
    """Several claim results shown as one table."""

    results: list[ClaimResult]

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self.results)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("claim", "predicted", "measured", "rule", ""))
        rows = []
        for result in self.results:
            cells = [html.escape(c) for c in result._cells()]
            colour = "#1a7f37" if result.passed else "#cf222e"
            cells[-1] = f'<b style="color:{colour}">{cells[-1]}</b>'
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        return f'<table class="claim-check"><tr>{head}</tr>{"".join(rows)}</table>'

    def to_record(self) -> dict[str, Any]:
        """The machine-readable form of the table: ``{"version": 1, "results": [...]}``."""
        return {"version": 1, "results": [r.to_record() for r in self.results]}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/plain": str(self),
            "text/html": self._repr_html_(),
            MIME_TYPE: self.to_record(),
        }


LEDGER: list[ClaimResult] = []


def _json_number(value: float) -> float | str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _fmt(value: float) -> str:
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def _rule_text(atol: float | None, rtol: float | None, relation: str | None) -> str:
    if relation is not None:
        return f"measured {relation} predicted"
    parts = [f"{atol:g}" if atol else "", f"{rtol:g}·|predicted|" if rtol else ""]
    bound = " + ".join(p for p in parts if p)
    return f"|measured − predicted| ≤ {bound}" if bound else "measured = predicted exactly"


def _validate_rule(atol: float | None, rtol: float | None, relation: str | None) -> None:
    if relation is not None:
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {relation!r}")
        if atol is not None or rtol is not None:
            raise ValueError("give either a tolerance (atol/rtol) or a relation, not both")
        return
    if atol is None and rtol is None:
        raise ValueError("a claim check needs a rule: atol, rtol or relation")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if tol is not None and not (np.isfinite(tol) and tol >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {tol}")


def check(
    claim: str,
    predicted: ArrayLike,
    measured: ArrayLike,
    *,
    atol: float | None = None,
    rtol: float | None = None,
    relation: str | None = None,
    source: str | None = None,
    spread: Spread | None = None,
) -> ClaimResult:
    r"""Check a claim and raise :class:`ClaimFailed` if it does not hold.

    With a tolerance the rule is :math:`|m - p| \le \mathrm{atol} + \mathrm{rtol}\,|p|`;
    with ``relation`` (one of ``<=, >=, <, >``) the rule is ``measured relation predicted``.
    ``predicted`` and ``measured`` broadcast: an array checks every pair and the
    result reports the worst one. Infinite values compare exactly (``inf == inf`` passes).
    ``spread`` (a :class:`unsup.seeds.Spread`) is the same measurement over several seeds,
    as a multi-seed test stored it; it is shown beside the measured value.
    """
    _validate_rule(atol, rtol, relation)
    p, m = np.broadcast_arrays(np.asarray(predicted, float), np.asarray(measured, float))
    if p.size == 0:
        raise ValueError("predicted and measured must not be empty")
    if np.isnan(p).any() or np.isnan(m).any():
        raise ValueError("predicted and measured must not contain NaN")
    if relation is not None:
        ok = RELATIONS[relation](m, p)
        with np.errstate(invalid="ignore"):
            slack = np.where(relation in ("<=", "<"), p - m, m - p)
    else:
        equal = p == m
        with np.errstate(invalid="ignore"):
            gap = np.abs(m - p)
            bound = (atol or 0.0) + (rtol or 0.0) * np.abs(p)
            within = np.isfinite(p) & np.isfinite(m) & (gap <= bound)
            slack = np.where(equal, np.inf, bound - gap)
        ok = equal | within
    # NaN slack comes from inf - inf: equal infinities under a relation (no slack), or an
    # infinite value against an infinite bound under a tolerance (a failure).
    slack = np.where(np.isnan(slack), 0.0 if relation is not None else -np.inf, slack)
    worst = int(np.argmin(slack) if ok.all() else np.argmin(np.where(ok, np.inf, slack)))
    result = ClaimResult(
        claim=claim,
        predicted=float(p.flat[worst]),
        measured=float(m.flat[worst]),
        rule=_rule_text(atol, rtol, relation),
        passed=bool(ok.all()),
        count=int(p.size),
        source=source,
        spread=spread,
    )
    LEDGER.append(result)
    if not result.passed:
        raise ClaimFailed(str(result))
    return result


def claim_table(*results: ClaimResult) -> ClaimTable:
    """Show several claim results as one table."""
    return ClaimTable(list(results))
