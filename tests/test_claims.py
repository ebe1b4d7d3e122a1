"""Claim checks: rules, infinities, arrays, validation, the ledger and the HTML views."""

from __future__ import annotations

import re

import numpy as np
import pytest

from unsup.claims import LEDGER, ClaimFailed, ClaimResult, check, claim_table

INF = np.inf


def test_claim_failed_is_an_assertion_error():
    assert issubclass(ClaimFailed, AssertionError)


# --- tolerances -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "predicted, measured, atol",
    [(1.0, 1.05, 0.1), (1.0, 0.95, 0.1), (0.0, 0.0, 0.0), (2.0, 2.1, 0.1 + 1e-12)],
)
def test_atol_passes(predicted, measured, atol):
    result = check("close", predicted, measured, atol=atol)
    assert result.passed
    assert result.predicted == predicted and result.measured == measured


@pytest.mark.parametrize(
    "predicted, measured, atol", [(1.0, 1.2, 0.1), (1.0, 0.8, 0.1), (0.0, 1e-9, 0.0)]
)
def test_atol_fails(predicted, measured, atol):
    with pytest.raises(ClaimFailed, match=r"\[FAIL\] close"):
        check("close", predicted, measured, atol=atol)


def test_rtol_scales_with_predicted():
    assert check("relative", 100.0, 104.0, rtol=0.05).passed
    with pytest.raises(ClaimFailed):
        check("relative", 100.0, 104.0, rtol=0.03)
    # The same absolute gap fails for a small prediction.
    with pytest.raises(ClaimFailed):
        check("relative", 1.0, 5.0, rtol=0.05)


def test_atol_and_rtol_add():
    # bound = 0.1 + 0.01 * 100 = 1.1
    assert check("both", 100.0, 101.05, atol=0.1, rtol=0.01).passed
    with pytest.raises(ClaimFailed):
        check("both", 100.0, 101.2, atol=0.1, rtol=0.01)


def test_rule_text():
    assert check("r", 1.0, 1.0, atol=0.1).rule == "|measured − predicted| ≤ 0.1"
    assert check("r", 1.0, 1.0, rtol=0.2).rule == "|measured − predicted| ≤ 0.2·|predicted|"
    both = check("r", 1.0, 1.0, atol=0.1, rtol=0.2).rule
    assert both == "|measured − predicted| ≤ 0.1 + 0.2·|predicted|"
    assert check("r", 1.0, 1.0, relation="<=").rule == "measured <= predicted"
    # An exact rule (atol=0) still states a complete rule.
    exact = check("r", 1.0, 1.0, atol=0.0).rule
    assert exact.strip() and not exact.rstrip().endswith("≤")
    assert exact == check("r", 1.0, 1.0, atol=0.0, rtol=0.0).rule


# --- relations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relation, measured, passes",
    [
        ("<=", 0.5, True), ("<=", 1.0, True), ("<=", 1.5, False),
        ("<", 0.5, True), ("<", 1.0, False), ("<", 1.5, False),
        (">=", 1.5, True), (">=", 1.0, True), (">=", 0.5, False),
        (">", 1.5, True), (">", 1.0, False), (">", 0.5, False),
    ],
)
def test_relations(relation, measured, passes):
    if passes:
        result = check("bound", 1.0, measured, relation=relation)
        assert result.passed and result.rule == f"measured {relation} predicted"
    else:
        with pytest.raises(ClaimFailed, match=re.escape(f"rule measured {relation} predicted")):
            check("bound", 1.0, measured, relation=relation)


def test_relations_with_infinities():
    assert check("inf bound", INF, 1e300, relation="<=").passed
    assert check("inf bound", 1.0, INF, relation=">=").passed
    assert check("inf bound", INF, INF, relation="<=").passed
    with pytest.raises(ClaimFailed):
        check("inf bound", 1.0, INF, relation="<=")
    with pytest.raises(ClaimFailed):
        check("inf bound", INF, INF, relation="<")


# --- infinite values under a tolerance --------------------------------------------------


@pytest.mark.parametrize("value", [INF, -INF])
def test_equal_infinities_pass(value):
    assert check("infinite", value, value, atol=0.1).passed
    assert check("infinite", value, value, rtol=0.1).passed


@pytest.mark.parametrize(
    "predicted, measured",
    [(INF, 1e308), (1e30, INF), (INF, -INF), (-INF, INF), (INF, 0.0), (0.0, -INF)],
)
@pytest.mark.parametrize("rule", [{"atol": 1e300}, {"rtol": 1e10}, {"atol": 1.0, "rtol": 1.0}])
def test_infinite_against_other_fails(predicted, measured, rule):
    """rtol·|inf| is infinite, but an infinite value still only matches itself."""
    with pytest.raises(ClaimFailed):
        check("infinite", predicted, measured, **rule)
    assert LEDGER[-1].predicted == predicted and LEDGER[-1].measured == measured


# --- arrays -----------------------------------------------------------------------------


def test_array_pass_reports_tightest_pair_and_count():
    result = check("many", [1.0, 2.0, 3.0, 4.0], [1.0, 2.05, 3.01, 3.98], atol=0.1)
    assert result.passed and result.count == 4
    assert (result.predicted, result.measured) == (2.0, 2.05)
    assert "(worst of 4)" in str(result)


def test_array_fail_reports_worst_violation():
    with pytest.raises(ClaimFailed, match=r"measured 5 \(worst of 4\)"):
        check("many", [0.0, 0.0, 0.0, 0.0], [0.0, 0.5, 5.0, 0.2], atol=0.1)
    worst = LEDGER[-1]
    assert not worst.passed and worst.count == 4 and worst.measured == 5.0


def test_array_fail_infinite_violation_is_worst():
    with pytest.raises(ClaimFailed):
        check("many", [1.0, 1.0, 1.0], [1.5, INF, 1.0], rtol=0.1)
    assert LEDGER[-1].measured == INF


def test_array_relation_reports_worst():
    result = check("below", [1.0, 1.0, 1.0], [0.2, 0.9, 0.5], relation="<=")
    assert result.passed and result.measured == 0.9 and result.count == 3
    with pytest.raises(ClaimFailed):
        check("below", [1.0, 1.0, 1.0], [1.1, 0.5, 3.0], relation="<")
    assert LEDGER[-1].measured == 3.0


def test_broadcasting_scalar_against_array():
    result = check("broadcast", 1.0, np.full((2, 3), 1.01), atol=0.05)
    assert result.passed and result.count == 6
    with pytest.raises(ClaimFailed, match=r"worst of 6"):
        check("broadcast", [[1.0], [2.0]], [1.0, 1.0, 1.0], atol=0.5)


def test_array_with_one_failure_fails():
    values = np.linspace(0, 1, 50)
    measured = values.copy()
    measured[37] += 0.2
    with pytest.raises(ClaimFailed):
        check("one bad", values, measured, atol=0.1)
    assert LEDGER[-1].predicted == values[37]


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "needs a rule"),
        ({"atol": None, "rtol": None}, "needs a rule"),
        ({"atol": 0.1, "relation": "<="}, "not both"),
        ({"rtol": 0.1, "relation": ">"}, "not both"),
        ({"atol": -0.1}, r"atol must be a finite number >= 0"),
        ({"rtol": -1e-9}, r"rtol must be a finite number >= 0"),
        ({"atol": INF}, r"atol must be a finite number >= 0"),
        ({"rtol": np.nan}, r"rtol must be a finite number >= 0"),
        ({"relation": "=="}, r"relation must be one of \['<', '<=', '>', '>='\]"),
        ({"relation": "≤"}, "relation must be one of"),
    ],
)
def test_rule_validation(kwargs, message):
    before = len(LEDGER)
    with pytest.raises(ValueError, match=message):
        check("bad rule", 1.0, 1.0, **kwargs)
    assert len(LEDGER) == before  # a malformed check records nothing


@pytest.mark.parametrize(
    "predicted, measured, message",
    [
        (np.nan, 1.0, "must not contain NaN"),
        (1.0, np.nan, "must not contain NaN"),
        ([1.0, np.nan], [1.0, 1.0], "must not contain NaN"),
        ([], [], "must not be empty"),
        (1.0, [], "must not be empty"),
    ],
)
def test_value_validation(predicted, measured, message):
    before = len(LEDGER)
    with pytest.raises(ValueError, match=message):
        check("bad values", predicted, measured, atol=0.1)
    assert len(LEDGER) == before


def test_validation_error_is_not_a_claim_failure():
    with pytest.raises(ValueError) as info:
        check("bad", np.nan, 1.0, atol=0.1)
    assert not isinstance(info.value, AssertionError)


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError):
        check("shapes", [1.0, 2.0], [1.0, 2.0, 3.0], atol=0.1)


# --- ledger and display -----------------------------------------------------------------


def test_results_are_appended_to_ledger():
    before = len(LEDGER)
    passed = check("ledger pass", 1.0, 1.0, atol=0.1, source="Cover & Thomas, Thm 2.6.3")
    with pytest.raises(ClaimFailed):
        check("ledger fail", 1.0, 2.0, atol=0.1)
    assert len(LEDGER) == before + 2
    assert LEDGER[-2] is passed and passed.source == "Cover & Thomas, Thm 2.6.3"
    assert LEDGER[-1].claim == "ledger fail" and not LEDGER[-1].passed


def test_str_of_result():
    result = check("KL is non-negative", 0.0, 0.25, relation=">=")
    assert str(result) == (
        "[pass] KL is non-negative: predicted 0, measured 0.25, rule measured >= predicted"
    )
    text = str(ClaimResult("c", INF, -INF, "r", False))
    assert text == "[FAIL] c: predicted inf, measured -inf, rule r"


def test_repr_html_pass_and_fail():
    ok = check("TV < 1 & KL > 0", 0.5, 0.5, atol=0.01)
    page = ok._repr_html_()
    assert "TV &lt; 1 &amp; KL &gt; 0" in page  # claim text, escaped
    assert ">pass</b>" in page and "FAIL" not in page
    assert page.count("<tr>") == 2  # header and one row
    with pytest.raises(ClaimFailed):
        check("a failing claim", 0.5, 0.9, atol=0.01)
    bad = LEDGER[-1]._repr_html_()
    assert "a failing claim" in bad and ">FAIL</b>" in bad and ">pass<" not in bad
    assert "0.9" in bad


def test_claim_table_renders_every_row():
    results = [check(f"claim number {i}", float(i), float(i), atol=0.1) for i in range(5)]
    with pytest.raises(ClaimFailed):
        check("the failing one", 0.0, 1.0, atol=0.1)
    results.append(LEDGER[-1])
    table = claim_table(*results)
    page = table._repr_html_()
    assert page.startswith('<table class="claim-check">')
    assert page.count("<tr>") == len(results) + 1
    for result in results:
        assert result.claim in page
    assert page.count(">pass</b>") == 5 and page.count(">FAIL</b>") == 1
    assert str(table).splitlines() == [str(r) for r in results]


def test_empty_claim_table_has_header_only():
    page = claim_table()._repr_html_()
    assert page.count("<tr>") == 1 and "<th>claim</th>" in page


# --- machine-readable record (the claims ledger reads it from executed notebooks) ------


def test_result_mimebundle_carries_a_json_record():
    import json

    from unsup.claims import MIME_TYPE

    result = check("KL is infinite here", INF, INF, atol=0.1, source="Kullback 1951")
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", MIME_TYPE}
    assert bundle["text/plain"] == str(result)
    assert bundle["text/html"] == result._repr_html_()
    record = bundle[MIME_TYPE]
    assert record == {"version": 1, "results": [{
        "claim": "KL is infinite here", "predicted": "inf", "measured": "inf",
        "rule": "|measured − predicted| ≤ 0.1", "passed": True, "count": 1,
        "source": "Kullback 1951",
    }]}
    json.loads(json.dumps(record, allow_nan=False))  # strict JSON: no Infinity or NaN


def test_table_record_keeps_order_values_and_failures():
    from unsup.claims import MIME_TYPE

    first = check("first", 1.0, 1.04, atol=0.1)
    second = check("second", [1.0, 2.0], [0.5, -INF], relation="<=")  # worst pair: (1, 0.5)
    failed = ClaimResult("third", -INF, 2.5, "r", False, count=3)
    record = claim_table(first, second, failed)._repr_mimebundle_()[MIME_TYPE]
    rows = record["results"]
    assert [r["claim"] for r in rows] == ["first", "second", "third"]
    assert (rows[0]["predicted"], rows[0]["measured"], rows[0]["passed"]) == (1.0, 1.04, True)
    assert (rows[1]["predicted"], rows[1]["measured"], rows[1]["count"]) == (1.0, 0.5, 2)
    assert rows[2] == {"claim": "third", "predicted": "-inf", "measured": 2.5, "rule": "r",
                       "passed": False, "count": 3, "source": None}


def test_ipython_display_includes_the_record():
    from IPython.core.formatters import DisplayFormatter

    from unsup.claims import MIME_TYPE

    data, _ = DisplayFormatter().format(check("shown", 2.0, 2.0, atol=0))
    assert data[MIME_TYPE]["results"][0]["claim"] == "shown"
    assert "claim-check" in data["text/html"]
