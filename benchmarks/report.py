"""The one table every benchmark prints: figure, ours, baseline, ratio, goal, met.

Each benchmark module measures its figures against a baseline taken in the same run and
returns them as `Figure` values; `python -m benchmarks` (`make bench`) gathers them into one
table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    """One line of the table: our number, the baseline's, and whether the goal was met."""

    name: str
    ours: float
    baseline: float
    unit: str
    goal: str
    met: bool
    baseline_name: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")


def print_table(figures: Sequence[Figure], *, title: str | None = None) -> None:
    if title:
        print(title)
    header = (
        f"{'figure':<52} {'ours':>10} {'baseline':>10} {'unit':<6} {'ratio':>7}  {'goal':<18} met"
    )
    print(header)
    print("-" * len(header))
    for figure in figures:
        print(
            f"{figure.name:<52} {figure.ours:>10.4g} {figure.baseline:>10.4g} {figure.unit:<6} "
            f"{figure.ratio:>7.2f}  {figure.goal:<18} {'yes' if figure.met else 'NO'}"
        )
    named = [f"{f.name}: {f.baseline_name}" for f in figures if f.baseline_name]
    if named:
        print("baselines: " + "; ".join(named))
