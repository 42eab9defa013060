"""Seed 003's growth tables from its own exponents."""

import pytest

from effcompute.models.growth import (
    compare_with_seed_tables,
    growth_factor,
    growth_table,
    load_seed003,
)


def test_first_table_reproduced_exactly_under_the_seeds_calendar():
    eras, _ = load_seed003("seed")
    t = growth_table(eras, [2012, 2018, 2025, 2035])
    assert list(t.loc["algorithms"]) == pytest.approx([1024, 46.38, 240.1], rel=1e-3)
    assert list(t.loc["efficiency"]) == pytest.approx([15.50, 6.621, 7.305], rel=1e-3)
    assert list(t.loc["spend"]) == pytest.approx([1, 1e7, 240.1], rel=1e-3)
    assert list(t.loc["total"]) == pytest.approx([15_868, 3.071e9, 4.212e5], rel=1e-3)
    first, second = compare_with_seed_tables("seed")
    assert first["mismatches"] == []


def test_second_table_later_column_does_not_follow_from_the_exponents():
    _, second = compare_with_seed_tables("seed")
    bad = {(m["component"], m["interval"]) for m in second["mismatches"]}
    assert bad == {(c, "2023->2043") for c in ("algorithms", "efficiency", "spend", "total")}
    # 2023->2043 spans 2 years of the 2018-2025 era and 18 of the 2026- era
    assert second["ours"]["algorithms"][1] == pytest.approx(1.73**20)


def test_continuous_calendar_counts_every_year_once():
    eras, _ = load_seed003("continuous")
    assert growth_factor(eras, "algorithms", 2012, 2018) == pytest.approx(4.0**6)


def test_bad_growth_arguments_are_named():
    eras, _ = load_seed003()
    with pytest.raises(ValueError, match="y1=2010"):
        growth_factor(eras, "algorithms", 2012, 2010)
    with pytest.raises(ValueError, match="component='chips'"):
        growth_factor(eras, "chips", 2012, 2013)
    with pytest.raises(ValueError, match="calendar='lunar'"):
        load_seed003("lunar")
