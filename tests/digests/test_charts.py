import struct

from chainwatch import taxonomy
from chainwatch.digests import charts, summary
from chainwatch.digests.weeks import IsoWeek


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


def test_small_multiples_draw_one_row_per_four_labels():
    weeks = IsoWeek(2026, 47).window(12)
    labels = summary.label_weeks(taxonomy.load(), weeks, {(weeks[-1].monday, "cbdc"): 7}, {}, (7,) * 12)
    risk = [lw for lw in labels if lw.label.kind == "risk"]  # 7 labels: 2 rows
    one = charts.small_multiples(risk[:4], weeks)
    two = charts.small_multiples(risk, weeks)
    (w1, h1), (w2, h2) = _png_size(one), _png_size(two)
    assert w1 == w2 == 9 * charts.DPI and h2 > 1.8 * h1


def test_sparkline_and_compact_numbers():
    assert charts.sparkline((0, 1, 2, 4, 8)) == "▁▂▃▅█"
    assert charts.sparkline((0, 0, 0)) == "▁▁▁"
    assert [charts.compact(n) for n in (950, 1000, 2500, 12345)] == ["950", "1k", "2.5k", "12k"]
