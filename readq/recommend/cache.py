"""The features on disk: ``<library>/recommend/features.pkl`` (derived data).

It is written atomically (a private temporary file, created exclusively, renamed
over the old one) in a private folder, with the store's papers stamp, and read back only when its
format version matches; a
missing, old or unreadable cache is simply rebuilt.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from readq.recommend.features import FeatureSet
from readq.safe_io import PRIVATE_DIR, make_private

log = logging.getLogger(__name__)
FORMAT = 3
FILE_NAME = "features.pkl"


def load(folder: Path) -> tuple[tuple[Any, ...], FeatureSet] | None:
    """The cached stamp and features, or None."""
    path = folder / FILE_NAME
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if data.get("format") != FORMAT or not isinstance(data.get("features"), FeatureSet):
            return None
        return tuple(data["stamp"]), data["features"]
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged cache is derived data: rebuild it
        log.warning("recommendation cache %s unreadable (%s); rebuilding", path, exc)
        return None


def save(folder: Path, stamp: tuple[Any, ...], features: FeatureSet) -> None:
    """Write the cache (failures are logged: the cache is only a speed-up)."""
    try:
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        make_private(folder, PRIVATE_DIR)  # like the rest of the library: the user's only
        fd, tmp = tempfile.mkstemp(prefix=".features-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"format": FORMAT, "stamp": list(stamp), "features": features},
                        handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / FILE_NAME)
    except OSError as exc:
        log.warning("recommendation cache not written to %s: %s", folder, exc)
