"""Order reviews: scores that follow how the delivery went, sparse Portuguese comments, and the
real quirks (a review shared by several orders, orders reviewed twice)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import ORDER_REVIEWS
from olist_assets.generator.orders import HOUR, Orders
from olist_assets.generator.random_values import DAY, hex_ids, midnight, spread, timestamps
from olist_assets.generator.sizing import quirk_count
from olist_assets.generator.vocabulary import (
    MESSAGE_ENDINGS,
    REVIEW_MESSAGE_RATE,
    REVIEW_SCORES,
    REVIEW_SENTENCES,
    REVIEW_TITLE_RATE,
    REVIEW_TITLES,
    SENTENCE_JOINS,
)

REVIEWED_TWICE_AT_SCALE_1 = 551
SHARED_REVIEW_ROWS_AT_SCALE_1 = 814
NUMERIC_MESSAGE_SHARE = 0.01
SHOUTED_SHARE = 0.06
LOWERCASE_SHARE = 0.15


def reviews_table(rng: np.random.Generator, orders: Orders, rows: int, scale: float) -> pa.Table:
    """The reviews file: one review for most orders, a second one for a few, rows shuffled."""
    twice = min(quirk_count(REVIEWED_TWICE_AT_SCALE_1, scale), rows // 2)
    reviewed = rng.choice(len(orders.status), size=rows - twice, replace=False)
    order = np.concatenate([reviewed, reviewed[:twice]])
    score = _scores(rng, orders, order)
    created = _creation_days(rng, orders, order)
    created[len(reviewed) :] += rng.integers(1, 30, twice) * DAY
    answered = created + np.maximum(2 * HOUR, spread(rng, rows, 30 * HOUR, 1.0)).astype(np.int64)
    title, message = _comments(rng, score)
    ids = np.arange(rows)
    source, target = _shared_reviews(rng, order, created, scale)
    for values in (ids, score, title, message, created, answered):
        values[target] = values[source]
    review_ids = hex_ids(rng, rows).take(pa.array(ids))
    table = pa.Table.from_arrays(
        [
            review_ids,
            orders.ids.take(pa.array(order)),
            pa.array(score, pa.int32()),
            pa.array(title, pa.string()),
            pa.array(message, pa.string()),
            timestamps(created),
            timestamps(answered),
        ],
        schema=ORDER_REVIEWS.arrow_schema,
    )
    return table.take(pa.array(rng.permutation(rows)))


def _scores(rng: np.random.Generator, orders: Orders, order: np.ndarray) -> np.ndarray:
    """Scores 1-5: mostly 5 when on time, mostly 1 when late or never delivered."""
    outcome = np.where(
        orders.missing["delivered"][order],
        "undelivered",
        np.where(orders.late[order], "late", "on_time"),
    )
    score = np.empty(len(order), dtype=np.int64)
    for name, shares in REVIEW_SCORES.items():
        rows = np.flatnonzero(outcome == name)
        score[rows] = 1 + rng.choice(5, size=len(rows), p=np.array(shares) / sum(shares))
    return score


def _creation_days(rng: np.random.Generator, orders: Orders, order: np.ndarray) -> np.ndarray:
    """The survey goes out the day of delivery or soon after; undelivered orders near the estimate."""
    delivered = ~orders.missing["delivered"][order]
    after = rng.choice(4, size=len(order), p=[0.3, 0.5, 0.15, 0.05]) * DAY
    base = np.where(delivered, midnight(orders.delivered[order]), orders.estimated[order])
    return base + after


def _shared_reviews(
    rng: np.random.Generator, order: np.ndarray, created: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows (source, target) where the target repeats the source's review: one review
    covering two orders sent the same day. Rows of different orders, each in at most one pair."""
    by_day = np.argsort(created, kind="stable")
    first, second = by_day[0:-1:2], by_day[1::2]
    gap = np.where(
        order[first] != order[second], created[second] - created[first], np.iinfo(np.int64).max
    )
    closest = np.lexsort((rng.random(len(gap)), gap))
    chosen = closest[: quirk_count(SHARED_REVIEW_ROWS_AT_SCALE_1, scale)]
    chosen = chosen[gap[chosen] < np.iinfo(np.int64).max]
    return first[chosen], second[chosen]


def _comments(rng: np.random.Generator, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Titles and messages, most of them empty; unhappy customers write more."""
    n = len(score)
    mood = np.array(["bad", "bad", "neutral", "good", "good"], dtype=object)[score - 1]
    has_title = rng.random(n) < np.array(REVIEW_TITLE_RATE)[score - 1]
    has_message = rng.random(n) < np.array(REVIEW_MESSAGE_RATE)[score - 1]
    title = np.full(n, None, dtype=object)
    message = np.full(n, None, dtype=object)
    for name in REVIEW_TITLES:
        rows = np.flatnonzero(has_title & (mood == name))
        pool = np.array(REVIEW_TITLES[name], dtype=object)
        title[rows] = pool[rng.integers(len(pool), size=len(rows))]
        rows = np.flatnonzero(has_message & (mood == name))
        message[rows] = _messages(rng, REVIEW_SENTENCES[name], score[rows])
    return title, message


def _messages(rng: np.random.Generator, pool: tuple[str, ...], score: np.ndarray) -> list[str]:
    """Free-text messages: 1-3 distinct sentences joined the way people type (commas, quotes,
    newlines), an ending, sometimes all caps or all lower case, now and then just a number."""
    n = len(score)
    picks = rng.random((n, len(pool))).argsort(axis=1)[:, :3]
    sentences = 1 + rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    joins = rng.integers(len(SENTENCE_JOINS), size=(n, 2))
    endings = rng.integers(len(MESSAGE_ENDINGS), size=n)
    case = rng.random(n)
    numeric = rng.random(n) < NUMERIC_MESSAGE_SHARE
    messages = []
    for row in range(n):
        text = pool[picks[row, 0]]
        for k in range(1, sentences[row]):
            text += SENTENCE_JOINS[joins[row, k - 1]] + pool[picks[row, k]]
        text += MESSAGE_ENDINGS[endings[row]]
        if case[row] < SHOUTED_SHARE:
            text = text.upper()
        elif case[row] < SHOUTED_SHARE + LOWERCASE_SHARE:
            text = text.lower()
        messages.append(str(2 * score[row]) if numeric[row] else text)
    return messages
