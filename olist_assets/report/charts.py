"""The report's charts: matplotlib figures rendered to PNG bytes, without a display or pyplot state."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import ParamSpec

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

BLUE, ORANGE, GREEN, RED, GREY = "#1f5f8b", "#e07b39", "#3a9d5d", "#c8423b", "#8a8f98"
PALETTE = [BLUE, ORANGE, GREEN, RED, "#7b5ea7", GREY, "#c9a227", "#4aa3b5"]
DPI = 110
P = ParamSpec("P")

STYLE = {
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titleweight": "bold",
}


def _styled(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Draw with the report's style without touching matplotlib's global settings."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _empty(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no data", ha="center", va="center", color=GREY, transform=axes.transAxes)


def _brl(value: float, _position: object = None) -> str:
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"R${value / limit:,.1f}{suffix}"
    return f"R${value:,.0f}"


def _month_axis(axes: Axes, months: pd.PeriodIndex) -> None:
    """One tick per calendar month at its bar (every other month labelled past three years)."""
    step = 1 if len(months) <= 36 else 2
    positions = range(0, len(months), step)
    axes.set_xticks(list(positions), [f"{months[i]:%Y-%m}" for i in positions])
    axes.tick_params(axis="x", labelrotation=90, labelsize=7)
    axes.set_xlim(-0.6, len(months) - 0.4)


@_styled
def monthly_chart(frame: pd.DataFrame) -> bytes:
    """GMV bars and sold orders per calendar month: a month with no order at all is labelled
    "no orders" and breaks the orders line instead of being bridged."""
    figure = Figure(figsize=(9, 4.2))
    gmv = figure.add_subplot()
    gmv.set_title("Monthly GMV and sold orders")
    if frame.empty:
        _empty(gmv)
        return _png(figure)
    positions = np.arange(len(frame))
    gmv.bar(positions, frame["gmv"].fillna(0), width=0.7, color=BLUE, alpha=0.85, label="GMV")
    gmv.yaxis.set_major_formatter(FuncFormatter(_brl))
    gmv.set_ylabel("GMV (sum of item prices)")
    for position in positions[frame["orders"].isna().to_numpy()]:
        gmv.text(position, 0, " no orders", rotation=90, ha="center", va="bottom", color=GREY)
    orders = gmv.twinx()
    orders.plot(positions, frame["orders"], color=ORANGE, marker="o", markersize=3, label="orders")
    orders.set_ylabel("sold orders")
    orders.set_ylim(bottom=0)
    orders.yaxis.set_major_locator(MaxNLocator(integer=True))
    orders.grid(False)
    orders.spines["right"].set_visible(True)
    figure.legend(loc="upper left", bbox_to_anchor=(0.08, 1.0), ncols=2, frameon=False)
    _month_axis(gmv, frame.index)
    return _png(figure)


@_styled
def on_time_chart(frame: pd.DataFrame) -> bytes:
    """On-time delivery rate per customer state, with the delivered volume printed on each bar."""
    figure = Figure(figsize=(9, max(3.0, 0.24 * len(frame) + 1)))
    axes = figure.add_subplot()
    axes.set_title("On-time delivery rate by customer state")
    if frame.empty:
        _empty(axes)
        return _png(figure)
    ordered = frame.sort_values("on_time_rate")
    colors = [
        GREEN if rate >= 0.9 else ORANGE if rate >= 0.8 else RED for rate in ordered["on_time_rate"]
    ]
    axes.barh(ordered.index, ordered["on_time_rate"], color=colors)
    for y, (rate, count) in enumerate(
        zip(ordered["on_time_rate"], ordered["delivered_orders"], strict=True)
    ):
        axes.text(rate + 0.005, y, f"{rate:.0%} of {count:,}", va="center", fontsize=7)
    axes.set_xlim(0, 1.15)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    return _png(figure)


@_styled
def review_delay_chart(frame: pd.DataFrame) -> bytes:
    """Average review score per delivery delay bucket, the count of orders above each bar."""
    figure = Figure(figsize=(9, 3.6))
    axes = figure.add_subplot()
    axes.set_title("Review score against delivery delay (delivered date vs estimated date)")
    if frame["orders"].sum() == 0:
        _empty(axes)
        return _png(figure)
    colors = [GREEN if "early" in label or label == "on the day" else RED for label in frame.index]
    axes.bar(frame.index.astype(str), frame["avg_review"].fillna(0), color=colors)
    for x, (score, count) in enumerate(zip(frame["avg_review"], frame["orders"], strict=True)):
        if count:
            axes.text(x, score + 0.05, f"{score:.2f}\n{count:,} orders", ha="center", fontsize=7)
    axes.set_ylim(0, 5.6)
    axes.tick_params(axis="x", labelsize=8)
    axes.set_ylabel("average review score (1-5)")
    return _png(figure)


@_styled
def payment_chart(shares: pd.DataFrame) -> bytes:
    """Stacked share of value paid per payment type, one bar per calendar month (a month where
    nothing was paid is labelled, not bridged)."""
    figure = Figure(figsize=(9, 3.8))
    axes = figure.add_subplot()
    axes.set_title("Payment mix: share of value paid by payment type")
    if shares.empty:
        _empty(axes)
        return _png(figure)
    positions = np.arange(len(shares))
    bottom = np.zeros(len(shares))
    for color, column in zip(PALETTE, shares.columns, strict=False):
        values = shares[column].fillna(0).to_numpy()
        axes.bar(positions, values, bottom=bottom, width=0.8, color=color, label=column)
        bottom += values
    for position in positions[shares.isna().all(axis=1).to_numpy()]:
        axes.text(position, 0.02, "nothing paid", rotation=90, ha="center", va="bottom", color=GREY)
    axes.set_ylim(0, 1)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    _month_axis(axes, shares.index)
    return _png(figure)


@_styled
def ranking_chart(values: pd.Series, title: str) -> bytes:
    """Horizontal bars of a ranking (largest on top), amounts in reais."""
    figure = Figure(figsize=(9, max(2.5, 0.3 * len(values) + 1)))
    axes = figure.add_subplot()
    axes.set_title(title)
    if values.empty:
        _empty(axes)
        return _png(figure)
    ordered = values.iloc[::-1]
    axes.barh([str(label) for label in ordered.index], ordered.to_numpy(), color=BLUE)
    axes.xaxis.set_major_formatter(FuncFormatter(_brl))
    return _png(figure)


@_styled
def reconciliation_chart(exceptions: pd.DataFrame, reconciled: int, total: int) -> bytes:
    """The orders whose payments do not match their items, per status, on a linear axis; the
    reconciled majority is stated in the title rather than drawn, so the exceptions stay legible."""
    figure = Figure(figsize=(9, max(2.2, 0.45 * len(exceptions) + 1.2)))
    axes = figure.add_subplot()
    unmatched = total - reconciled
    share = unmatched / total if total else 0.0
    axes.set_title(
        f"Orders whose payments do not match their items: {unmatched:,} of {total:,} ({share:.1%});"
        f" the other {reconciled:,} reconcile"
    )
    if exceptions.empty:
        _empty(axes)
        return _png(figure)
    counts = exceptions["orders"].iloc[::-1]
    axes.barh([str(label) for label in counts.index], counts.to_numpy(), color=ORANGE)
    for y, count in enumerate(counts):
        axes.text(count, y, f" {count:,}", va="center", fontsize=8)
    axes.set_xlim(0, counts.max() * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("orders")
    return _png(figure)


@_styled
def retention_chart(table: pd.DataFrame) -> bytes:
    """Heat map of each cohort's retention rate in every month after its first purchase, each
    observed cell printed (0.0% where nobody came back; blank where the month is not observed yet)."""
    figure = Figure(figsize=(max(9, 0.42 * len(table.columns) + 2.5), 0.3 * len(table) + 1.6))
    axes = figure.add_subplot()
    axes.set_title("Cohort retention: share of a month's new customers buying again N months later")
    if table.empty or table.columns.empty:
        _empty(axes)
        return _png(figure)
    values = table.to_numpy(dtype=float)
    image = axes.imshow(np.ma.masked_invalid(values), aspect="auto", cmap="Blues", vmin=0)
    ceiling = np.nanmax(values) if np.isfinite(values).any() else 0.0
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value):
            color = "white" if ceiling and value > 0.6 * ceiling else "#1d2430"
            axes.text(
                column, row, f"{value:.1%}", ha="center", va="center", fontsize=5, color=color
            )
    axes.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], fontsize=7)
    axes.set_yticks(range(len(table.index)), list(table.index), fontsize=7)
    axes.set_xlabel("months since first purchase")
    axes.set_ylabel("cohort (people)")
    axes.grid(False)
    figure.colorbar(image, ax=axes, format=PercentFormatter(1.0, decimals=1))
    return _png(figure)
