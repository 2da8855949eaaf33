"""Which raw key is which batch of which table, and the order in which batches take precedence.

A batch is one file in the lake's raw zone: its key is the path under `raw/` (NFC), so two files of
the same name in different folders are two batches. On a primary-key conflict the batch later in the
precedence order wins: the undated file first, then the dated drops in the order of their ISO dates
(`olist_orders_dataset_2018-09.csv`, or a folder `2018-09/`). The order depends only on batch keys,
never on when files or events arrived, so every runtime and every landing order agree.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from olist_assets.core import lake
from olist_assets.core.contracts import contract_for_file

ISO_DATE = r"\d{4}-\d{2}(?:-\d{2})?"
DATED_NAME = re.compile(rf"(?P<stem>.+?)[_-](?P<date>{ISO_DATE})\.csv")
DATED_FOLDER = re.compile(ISO_DATE)


@dataclass(frozen=True)
class Batch:
    """One raw file as a batch of its table: the path under raw/ and the drop date it carries."""

    table: str
    key: str
    date: str

    @property
    def raw_key(self) -> str:
        """The lake key of the raw file: `raw/<batch key>`."""
        return f"{lake.RAW}/{self.key}"

    @property
    def precedence(self) -> tuple[str]:
        """Sort key: the undated file ('' sorts first), then drops by ISO date."""
        return (self.date,)


def batch_for_raw_key(raw_key: str) -> Batch:
    """The batch a raw key is; raises UnknownFileError when its name is no table's file."""
    key = unicodedata.normalize("NFC", raw_key.removeprefix(f"{lake.RAW}/"))
    folder, file_name = posixpath.split(key)
    contract = contract_for_file(file_name)
    return Batch(contract.name, key, drop_date(folder, file_name))


def drop_date(folder: str, file_name: str) -> str:
    """The ISO date a file name (`..._2018-09.csv`) or its nearest dated folder carries, else ''."""
    dated = DATED_NAME.fullmatch(file_name)
    if dated:
        return dated.group("date")
    for part in reversed(folder.split("/") if folder else []):
        if DATED_FOLDER.fullmatch(part):
            return part
    return ""


def in_precedence_order(batches: Iterable[Batch]) -> list[Batch]:
    """Batches lowest precedence first (the last one wins a key conflict); ties break on the key."""
    return sorted(batches, key=lambda batch: (batch.precedence, batch.key))
