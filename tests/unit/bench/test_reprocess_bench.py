"""The reprocess bench's results file: the numbers, the load it ran under, the machine."""

from __future__ import annotations

from bench.reprocess import markdown


def test_the_results_file_has_the_numbers_and_the_machine() -> None:
    text = markdown({
        "images": 7, "flipped": 7, "left": 0, "wall_s": 10.3, "images_per_min": 40.9,
        "render_messages_per_min": 163.7, "load_average_before": [3.0, 2.0, 1.0],
        "machine": {"cpu": "AMD EPYC", "moto": "5.2.5"},
    })
    assert "| 7 | 7 | 0 | 10.3 | 40.9 | 163.7 |" in text
    assert "[3.0, 2.0, 1.0]" in text and "- cpu: AMD EPYC" in text and "- moto: 5.2.5" in text
