"""All enrolled face templates in one float32 matrix, matched against a probe in one vectorised pass.

Rows are kept grouped by member so the best distance per member is one `np.minimum.reduceat`.
Distances come from ||t||^2 + ||q||^2 - 2 t.q with the template norms precomputed: one matrix-vector
product instead of materialising an N x 128 difference matrix (bench/face.py measures both; at
100,000 templates the product is several times faster). The two distances reported are then
recomputed exactly from the winning members' own rows.
"""
from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from terminal.face.types import ENCODING_SIZE

Encoding = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Match:
    """The nearest member and the nearest *other* member; distances are math.inf when there is none."""

    member_id: str | None
    distance: float
    second_member_id: str | None = None
    second_distance: float = math.inf


def as_encoding(values: npt.ArrayLike) -> Encoding:
    """A finite 128-float32 vector, or ValueError."""
    vector = np.asarray(values, dtype=np.float32).reshape(-1)
    if vector.shape != (ENCODING_SIZE,) or not np.isfinite(vector).all():
        raise ValueError(f"a face encoding is {ENCODING_SIZE} finite numbers, got shape {np.shape(values)}")
    return vector


class Gallery:
    """Enrolled templates by member (a member may have several); thread-safe, rebuilt lazily after a change."""

    def __init__(self) -> None:
        self._templates: dict[str, Encoding] = {}
        self._lock = threading.Lock()
        self._dirty = True
        self._matrix: Encoding = np.empty((0, ENCODING_SIZE), np.float32)
        self._norms2: Encoding = np.empty(0, np.float32)
        self._starts: npt.NDArray[np.intp] = np.empty(0, np.intp)
        self._ids: list[str] = []

    @classmethod
    def from_templates(cls, pairs: Iterable[tuple[str, npt.ArrayLike]]) -> Gallery:
        """A gallery from (member_id, encoding) pairs; a member id may repeat."""
        grouped: dict[str, list[Encoding]] = {}
        for member_id, encoding in pairs:
            grouped.setdefault(member_id, []).append(as_encoding(encoding))
        gallery = cls()
        gallery._templates = {m: np.stack(rows) for m, rows in grouped.items()}
        return gallery

    def add(self, member_id: str, encodings: Iterable[npt.ArrayLike]) -> None:
        """Add templates to a member (creating the member)."""
        rows = [as_encoding(e) for e in encodings]
        if not rows:
            raise ValueError("add at least one face encoding")
        with self._lock:
            old = self._templates.get(member_id)
            new = np.stack(rows)
            self._templates[member_id] = new if old is None else np.concatenate([old, new])
            self._dirty = True

    def remove(self, member_id: str) -> int:
        """Forget a member and every template; returns how many templates went."""
        with self._lock:
            gone = self._templates.pop(member_id, None)
            self._dirty = True
        return 0 if gone is None else len(gone)

    def __len__(self) -> int:
        return len(self._templates)

    def __contains__(self, member_id: object) -> bool:
        return member_id in self._templates

    def template_count(self, member_id: str | None = None) -> int:
        """Templates of one member, or of everyone."""
        if member_id is not None:
            return len(self._templates.get(member_id, ()))
        return sum(len(t) for t in self._templates.values())

    def _rebuild(self) -> None:
        blocks = list(self._templates.values())
        self._ids = list(self._templates)
        if blocks:
            self._matrix = np.ascontiguousarray(np.concatenate(blocks), dtype=np.float32)
            counts = np.fromiter((len(b) for b in blocks), np.intp, len(blocks))
            self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
        else:
            self._matrix = np.empty((0, ENCODING_SIZE), np.float32)
            self._starts = np.empty(0, np.intp)
        self._norms2 = np.einsum("ij,ij->i", self._matrix, self._matrix)
        self._dirty = False

    def best_two(self, encoding: npt.ArrayLike) -> Match:
        """The nearest member and the nearest other member to `encoding` (Euclidean distance)."""
        probe = as_encoding(encoding)
        with self._lock:
            if self._dirty:
                self._rebuild()
            matrix, norms2, starts, ids = self._matrix, self._norms2, self._starts, self._ids
        if not ids:
            return Match(None, math.inf)
        squared = norms2 - 2.0 * (matrix @ probe)  # + ||probe||^2, the same for every row: left out to rank
        per_member = np.minimum.reduceat(squared, starts)
        best = int(np.argmin(per_member))
        if len(ids) == 1:
            return Match(ids[0], self._exact(probe, matrix, starts, best))
        per_member[best] = np.inf
        second = int(np.argmin(per_member))
        d_best, d_second = self._exact(probe, matrix, starts, best), self._exact(probe, matrix, starts, second)
        if d_second < d_best:  # a float32 near-tie ranked the wrong way round: trust the exact distances
            best, second, d_best, d_second = second, best, d_second, d_best
        return Match(ids[best], d_best, ids[second], d_second)

    @staticmethod
    def _exact(probe: Encoding, matrix: Encoding, starts: npt.NDArray[np.intp], member: int) -> float:
        end = int(starts[member + 1]) if member + 1 < len(starts) else len(matrix)
        rows = matrix[int(starts[member]):end].astype(np.float64)
        return float(np.linalg.norm(rows - probe.astype(np.float64), axis=1).min())
