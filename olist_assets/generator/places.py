"""Places: the zip-code prefixes in use, where people and sellers live, and the geolocation points."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import GEOLOCATION
from olist_assets.generator.random_values import allocate
from olist_assets.generator.vocabulary import CITIES, CUSTOMER_STATES, SELLER_STATES

ZIP_PREFIXES_AT_SCALE_1 = 19_015
DUPLICATE_GEOLOCATION_SHARE = 0.2618
ACCENTED_SPELLING_SHARE = 0.12
POINT_SPREAD_DEGREES = 0.003
GEOLOCATION_CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class Places:
    """The zip prefixes in use: each one's city (index into CITIES), centre and draw weights."""

    zips: np.ndarray
    city: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    customer_weight: np.ndarray
    seller_weight: np.ndarray

    def zip_text(self, index: np.ndarray) -> pa.Array:
        """Zip prefixes as the 5-character strings the files hold (leading zeros kept)."""
        return pc.utf8_lpad(pa.array(self.zips[index]).cast(pa.string()), 5, "0")


def city_names(spelling: str = "name") -> np.ndarray:
    return np.array([getattr(city, spelling) for city in CITIES], dtype=object)


def city_states() -> np.ndarray:
    return np.array([city.state for city in CITIES], dtype=object)


def _city_weights(state_shares: dict[str, int]) -> np.ndarray:
    """Each city's share of the country: its state's share split by weight within the state."""
    weights = np.array([city.weight for city in CITIES], dtype=float)
    states = city_states()
    result = np.zeros(len(CITIES))
    for state, share in state_shares.items():
        in_state = states == state
        result[in_state] = share * weights[in_state] / weights[in_state].sum()
    return result / result.sum()


def build_places(rng: np.random.Generator, scale: float) -> Places:
    """Draw the zip prefixes in use: every city gets at least one, big cities many more."""
    customers, sellers = _city_weights(CUSTOMER_STATES), _city_weights(SELLER_STATES)
    sizes = np.array([city.zip_high - city.zip_low + 1 for city in CITIES])
    wanted = max(round(ZIP_PREFIXES_AT_SCALE_1 * scale), len(CITIES))
    per_city = np.clip(allocate(wanted, customers**0.6), 1, sizes)
    zips, owner = [], []
    for index, (city, count) in enumerate(zip(CITIES, per_city, strict=True)):
        zips.append(city.zip_low + rng.choice(sizes[index], size=count, replace=False))
        owner.append(np.full(count, index))
    city_index = np.concatenate(owner)
    radius = 0.02 + 0.0025 * np.sqrt(sizes[city_index])
    angle = rng.uniform(0, 2 * np.pi, len(city_index))
    distance = np.sqrt(rng.random(len(city_index)))
    centre_lat = np.array([city.lat for city in CITIES])[city_index]
    centre_lng = np.array([city.lng for city in CITIES])[city_index]
    return Places(
        zips=np.concatenate(zips),
        city=city_index,
        lat=centre_lat + radius * distance * np.sin(angle),
        lng=centre_lng + radius * distance * np.cos(angle),
        customer_weight=customers[city_index] / per_city[city_index],
        seller_weight=sellers[city_index] / per_city[city_index],
    )


def geolocation_chunks(rng: np.random.Generator, places: Places, rows: int) -> Iterator[pa.Table]:
    """The geolocation file's rows in chunks: points around each zip's centre, exact duplicates
    included, accented and plain spellings of a city side by side, grouped by zip region."""
    duplicates = min(round(rows * DUPLICATE_GEOLOCATION_SHARE), rows - len(places.zips))
    unique = rows - duplicates
    per_zip = 1 + allocate(unique - len(places.zips), places.customer_weight)
    zip_index = np.repeat(np.arange(len(places.zips)), per_zip)
    lat = places.lat[zip_index] + POINT_SPREAD_DEGREES * rng.standard_normal(unique)
    lng = places.lng[zip_index] + POINT_SPREAD_DEGREES * rng.standard_normal(unique)
    accented = rng.random(unique) < ACCENTED_SPELLING_SHARE
    copies = np.concatenate([np.arange(unique), rng.integers(0, unique, duplicates)])
    shuffled = copies[rng.permutation(rows)]
    region = (places.zips[zip_index[shuffled]] // 100).astype(np.int16)
    order = shuffled[np.argsort(region, kind="stable")]
    spellings = pa.array(np.concatenate([city_names(), city_names("accented")]), pa.string())
    states = pa.array(city_states(), pa.string())
    for start in range(0, rows, GEOLOCATION_CHUNK_ROWS):
        take = order[start : start + GEOLOCATION_CHUNK_ROWS]
        city = places.city[zip_index[take]]
        yield pa.Table.from_arrays(
            [
                places.zip_text(zip_index[take]),
                pa.array(lat[take]),
                pa.array(lng[take]),
                spellings.take(pa.array(city + len(CITIES) * accented[take])),
                states.take(pa.array(city)),
            ],
            schema=GEOLOCATION.arrow_schema,
        )
