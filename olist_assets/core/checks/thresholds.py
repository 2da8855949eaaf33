"""Where a data-quality finding turns from a warning into a blocking failure: one place for every
threshold, read by the checks themselves, the Dagster check descriptions and the production quality
gate, so a documented figure and the enforced one cannot drift apart.

Rates are fractions (0.05 = 5 %) of the records or references the check looks at.
"""

from __future__ import annotations

# Quarantined records, per table and per batch: any quarantined record is a warning; above the rate
# it blocks. A batch with fewer than QUARANTINE_MIN_BATCH_RECORDS records blocks when more than
# QUARANTINE_SMALL_BATCH_RECORDS of them are quarantined (a rate means little on a handful of rows).
QUARANTINE_WARN_RATE = 0.0
QUARANTINE_FAIL_RATE = 0.05
QUARANTINE_MIN_BATCH_RECORDS = 20
QUARANTINE_SMALL_BATCH_RECORDS = 1

# Foreign keys: any orphan reference (one whose key the referenced table lacks) is a warning; above
# this share of the references it blocks. A lost parent row (one quarantined order) warns; a lost
# drop (a month of orders) blocks. Known orphans (a source's own gaps) never block.
FOREIGN_KEY_FAIL_RATE = 0.01

# How many offending keys or rows a check lists in its metadata.
SAMPLE_SIZE = 20


def quarantine_blocks(read: int, quarantined: int) -> bool:
    """Whether a batch's quarantined records block: above QUARANTINE_FAIL_RATE of its records once it
    has QUARANTINE_MIN_BATCH_RECORDS, above QUARANTINE_SMALL_BATCH_RECORDS records below that."""
    if read >= QUARANTINE_MIN_BATCH_RECORDS:
        return quarantined > QUARANTINE_FAIL_RATE * read
    return quarantined > QUARANTINE_SMALL_BATCH_RECORDS


def percent(rate: float) -> str:
    """A threshold as people read it: 0.05 -> '5%', 0.001 -> '0.1%'."""
    return f"{rate * 100:g}%"
