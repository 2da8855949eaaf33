"""Store test doubles shared by the landing tests."""

from __future__ import annotations

from olist_assets.stores.local import LocalStore


class UnreadableStore(LocalStore):
    """A local store whose files must not be opened: proves an answer came without reading them
    (from the landing record alone, or a file judged unchanged unread)."""

    def open_input(self, key):
        raise AssertionError(f"{key} was read")

    local_copy = open_input
