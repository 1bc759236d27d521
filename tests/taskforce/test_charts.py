"""The server-drawn SVG charts: valid, accessible, CSP-safe, and honest about gaps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from taskforce.charts import bar_chart, format_value, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 -- our own markup, made in the test


def _paths(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}path") if "tf-chart__line" in e.get("class", "")]


def test_line_chart_is_an_accessible_image_with_title_and_description() -> None:
    svg = line_chart(
        title="Residents who say their neighbourhood is a good place to live",
        points=[("2022/23", 80.0), ("2023/24", 82.0), ("2024/25", 84.0)],
        unit="%",
    )
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == "Residents who say their neighbourhood is a good place to live"
    assert "80% in 2022/23 to 84% in 2024/25" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(_paths(root)) == 1


def test_a_missing_figure_is_a_gap_not_a_line_through_it() -> None:
    root = _parse(
        line_chart(
            title="Food bank use",
            points=[("Q1", 10.0), ("Q2", 12.0), ("Q3", None), ("Q4", 11.0), ("Q5", 9.0)],
            unit="people",
        )
    )
    # Two separate runs: Q1-Q2 and Q4-Q5, and four points, not five.
    assert len(_paths(root)) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4
    gaps = [e.text for e in root.iter(f"{SVG}text") if "tf-chart__gap" in e.get("class", "")]
    assert gaps == ["not shown"]
    assert "1 period not shown" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_target_and_baseline_lines_are_drawn_and_labelled_when_given() -> None:
    with_lines = _parse(
        line_chart(
            title="Good place to live",
            points=[("2024/25", 84.0)],
            unit="%",
            target=90.0,
            baseline=Decimal("80"),
        )
    )
    classes = [e.get("class", "") for e in with_lines.iter()]
    assert "tf-chart__target-line" in classes
    assert "tf-chart__baseline-line" in classes
    labels = [e.text for e in with_lines.iter(f"{SVG}text")]
    assert "Target: 90%" in labels
    assert "Baseline: 80%" in labels
    # Told apart by their dash pattern, not by colour.
    dashes = {
        e.get("class"): e.get("stroke-dasharray")
        for e in with_lines.iter(f"{SVG}line")
        if e.get("stroke-dasharray")
    }
    assert dashes["tf-chart__target-line"] != dashes["tf-chart__baseline-line"]

    without = _parse(line_chart(title="Good place to live", points=[("2024/25", 84.0)], unit="%"))
    assert "tf-chart__target-line" not in [e.get("class", "") for e in without.iter()]


def test_charts_carry_no_style_attributes_for_the_csp() -> None:
    line = line_chart(title="T", points=[("a", 1.0), ("b", None), ("c", 3.0)], unit="%", target=2)
    bars = bar_chart(title="T", bars=[("a", 1.0), ("b", None)], unit="%", reference=0.5)
    for markup in (line, bars):
        assert "style=" not in str(markup)
        assert "<script" not in str(markup)
        assert all("style" not in element.attrib for element in _parse(markup).iter())


def test_labels_and_titles_are_escaped() -> None:
    markup = bar_chart(
        title='Wards <script>alert("x")</script>',
        bars=[("South <& North>", 70.0), ("Biscot", 80.0)],
        unit="%",
        reference=75.0,
        reference_label="Luton <town>",
    )
    assert "<script>" not in str(markup)
    assert "South &lt;&amp; North&gt;" in str(markup)
    root = _parse(markup)  # still well-formed XML
    labels = [e.text for e in root.iter(f"{SVG}text")]
    assert "South <& North>" in labels
    assert "Luton <town>: 75%" in labels


def test_bar_chart_draws_a_bar_per_figure_a_reference_line_and_marks_missing_ones() -> None:
    root = _parse(
        bar_chart(
            title="Good place to live by ward",
            bars=[("Biscot", 80.0), ("Farley", None), ("Wigmore", 90.0)],
            unit="%",
            reference=84.0,
            reference_label="Luton",
        )
    )
    assert root.get("role") == "img"
    assert len(list(root.iter(f"{SVG}rect"))) == 2
    assert "tf-chart__reference-line" in [e.get("class", "") for e in root.iter(f"{SVG}line")]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "Highest Wigmore at 90%; lowest Biscot at 80%." in desc
    assert "Luton at 84%" in desc
    assert "1 not shown" in desc


def test_two_charts_on_a_page_have_different_ids() -> None:
    first = _parse(line_chart(title="A", points=[("x", 1.0)], unit="%"))
    second = _parse(line_chart(title="B", points=[("x", 1.0)], unit="%"))
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")  # type: ignore[union-attr]


def test_charts_cope_with_no_figures_and_negative_figures() -> None:
    empty = _parse(line_chart(title="Nothing yet", points=[], unit="%"))
    assert "no figures yet" in (empty.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    negative = _parse(bar_chart(title="Change", bars=[("A", -5.0), ("B", 3.0)], unit="%"))
    widths = [float(r.get("width", "0")) for r in negative.iter(f"{SVG}rect")]
    assert all(w > 0 for w in widths)
    only_gaps = _parse(line_chart(title="Hidden", points=[("a", None)], unit="%"))
    assert _paths(only_gaps) == []


def test_format_value() -> None:
    assert format_value(Decimal("84.00"), "%") == "84%"
    assert format_value(84.5, "%") == "84.5%"
    assert format_value(Decimal("1200"), "people") == "1,200 people"
    assert format_value(100, "") == "100"
    assert format_value(None, "%") == ""
