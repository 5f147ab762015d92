"""Horizontal bar charts drawn as inline SVG (templates/includes/bar_chart_svg.html): each bar under its label,
with a gap between bars and text of 13 px (still ≥ 11 px when a phone scales the drawing down to its width).
The page that shows one puts its figures in a table beside it; the chart only draws."""

from __future__ import annotations


class BarChart:
    """What a chart's class adds to its data: `bars`, `id`, `title`, and how long and how labelled each bar is
    (`share_of`, between 0 and 1, and `text_of`)."""

    WIDTH = 420
    BAR = 260
    ROW = 46  # a label (16), a bar (16) and a gap (14)
    COLOUR = "#1f5f8b"

    def share_of(self, bar) -> float:
        raise NotImplementedError

    def text_of(self, bar) -> str:
        raise NotImplementedError

    @property
    def height(self) -> int:
        return len(self.bars) * self.ROW + 4

    def rows(self) -> list[tuple[object, int, int, str]]:
        """(bar, its top, its length, its text)."""
        return [
            (bar, i * self.ROW, round(self.BAR * self.share_of(bar)), self.text_of(bar))
            for i, bar in enumerate(self.bars)
        ]
