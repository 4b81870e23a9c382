"""TF-IDF features of papers: title + abstract words, authors apart, and latent topics.

A :class:`FeatureSet` holds one L2-normalised row per paper: the text block
(weight 1) followed by the author block (weight ``AUTHOR_WEIGHT``), so a dot
product of two rows is a cosine similarity in which shared authors count too.
Beside it, ``latent`` holds each paper's text in ``LATENT_DIMS`` latent topics
(a truncated SVD of the text block, learned from this library alone), in which
papers on one subject are close even when they share few exact words.

The fitted vectorizers are kept (pickled, and unpickled only when papers are
added), so papers added later are transformed with the same vocabulary without
rebuilding everything, and reading the features back needs no scikit-learn: a
``readq recommend`` from a cold process loads only NumPy and SciPy.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from readq.store.signals import PaperText
from readq.text import fold

if TYPE_CHECKING:  # scikit-learn loads only to build or extend features
    from sklearn.feature_extraction.text import TfidfVectorizer

AUTHOR_WEIGHT = 0.6  # the author block's share of a row's length
MAX_TEXT_FEATURES = 60_000
LATENT_DIMS = 32  # latent topics (16–48 ranked alike in the evaluation, 96 and 192 worse)
LATENT_SAMPLE = 20_000  # the topics are learned from at most this many papers (build time)
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w\-]*\w\b"  # words: a letter first, no bare numbers
_TITLE_REPEAT = 2  # a title word counts like two abstract words
_NAME_SPACES = re.compile(r"[\s.\-]+")


def author_key(name: str) -> str:
    """One token per author: case, accents and punctuation folded (``jane_doe``)."""
    return _NAME_SPACES.sub("_", fold(name).strip()).strip("_")


def author_tokens(authors: Sequence[str]) -> list[str]:
    """The author analyzer of the author vectorizer (module level: it is pickled)."""
    return [key for key in (author_key(a) for a in authors) if key]


def paper_document(paper: PaperText) -> str:
    """The text the word features are made of."""
    title = paper.title.strip()
    return " ".join([title] * _TITLE_REPEAT + [paper.abstract])


def day_number(iso: str | None) -> float:
    """Days since 1970 of an ISO date (NaN when unknown)."""
    if not iso:
        return float("nan")
    try:
        return float(date.fromisoformat(iso[:10]).toordinal() - 719163)
    except ValueError:
        return float("nan")


@dataclass
class Vectorizers:
    """The fitted vectorizers, kept pickled until papers need transforming, and what
    reading the features needs of them (column names, the author vocabulary)."""

    text_terms: np.ndarray  # the word of each text column
    author_vocabulary: dict[str, int]  # author key → column in the author block
    latent_basis: np.ndarray  # LATENT_DIMS × text columns: text rows → latent topics
    _pickled: bytes = field(repr=False)
    _loaded: tuple[Any, Any] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, text: TfidfVectorizer, authors: TfidfVectorizer | None,
           latent_basis: np.ndarray) -> Vectorizers:
        vocabulary = dict(authors.vocabulary_) if authors is not None else {}
        return cls(text.get_feature_names_out(), vocabulary, latent_basis,
                   pickle.dumps((text, authors), protocol=pickle.HIGHEST_PROTOCOL))

    def fitted(self) -> tuple[TfidfVectorizer, TfidfVectorizer | None]:
        """The vectorizers themselves (this imports scikit-learn)."""
        if self._loaded is None:
            self._loaded = pickle.loads(self._pickled)
        return self._loaded

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}


@dataclass
class FeatureSet:
    """Feature rows of papers, the vectorizers, and what explanations need."""

    ids: np.ndarray  # paper ids, ascending
    matrix: sparse.csr_matrix  # one L2-normalised row per id
    vectorizers: Vectorizers
    titles: list[str]
    authors: list[list[str]]
    days: np.ndarray  # publication (else added) day number per row
    latent: np.ndarray  # one L2-normalised row of latent topics per id (float32)
    _rows: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._rows = {int(pid): n for n, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def rows(self, ids: Iterable[int]) -> np.ndarray:
        """Row numbers of the papers (ids without features are left out)."""
        return np.fromiter((self._rows[i] for i in ids if i in self._rows), dtype=np.int64)

    def row(self, paper_id: int) -> int | None:
        """The row of one paper, or None."""
        return self._rows.get(int(paper_id))

    @property
    def text_width(self) -> int:
        """How many columns the word block has."""
        return len(self.vectorizers.text_terms)

    def feature_name(self, column: int) -> str:
        """A readable name of a column (a word, or an author's folded name)."""
        if column < self.text_width:
            return str(self.vectorizers.text_terms[column])
        if not hasattr(self, "_author_names"):
            names = [""] * len(self.vectorizers.author_vocabulary)
            for key, n in self.vectorizers.author_vocabulary.items():
                names[n] = key
            self._author_names = names
        return self._author_names[column - self.text_width]

    def column(self, word: str) -> int | None:
        """The text column of a word, or None."""
        if not hasattr(self, "_columns"):
            self._columns = {str(t): n for n, t in enumerate(self.vectorizers.text_terms)}
        return self._columns.get(word)

    def doc_share(self) -> np.ndarray:
        """For each column, the share of the library's papers that have it."""
        if not hasattr(self, "_doc_share"):
            counts = np.bincount(self.matrix.indices, minlength=self.matrix.shape[1])
            self._doc_share = counts / max(1, len(self))
        return self._doc_share

    def author_columns(self, names: Iterable[str]) -> list[int]:
        """The columns of authors (by name) in the author block."""
        vocabulary = self.vectorizers.author_vocabulary
        keys = (author_key(n) for n in names)
        return sorted(self.text_width + vocabulary[k] for k in keys if k in vocabulary)

    def extend(self, papers: Sequence[PaperText]) -> FeatureSet:
        """A feature set with more papers, transformed with this vocabulary."""
        known = [p for p in papers if int(p.id) not in self._rows]
        if not known:
            return self
        text, authors = self.vectorizers.fitted()
        block, latent = _transform(text, authors, self.vectorizers.latent_basis, known)
        ids = np.concatenate([self.ids, np.array([p.id for p in known], dtype=np.int64)])
        order = np.argsort(ids, kind="stable")
        matrix = sparse.vstack([self.matrix, block], format="csr")[order]
        titles = [*self.titles, *(p.title for p in known)]
        authors_of = [*self.authors, *(list(p.authors) for p in known)]
        days = np.concatenate([self.days, _days(known)])
        return FeatureSet(ids[order], matrix, self.vectorizers, [titles[i] for i in order],
                          [authors_of[i] for i in order], days[order],
                          np.vstack([self.latent, latent])[order])

    def without(self, gone: set[int]) -> FeatureSet:
        """A feature set without some papers (deleted or merged away)."""
        keep = np.array([int(i) not in gone for i in self.ids], dtype=bool)
        where = np.flatnonzero(keep)
        return FeatureSet(self.ids[keep], self.matrix[keep], self.vectorizers,
                          [self.titles[i] for i in where], [self.authors[i] for i in where],
                          self.days[keep], self.latent[keep])


def build_features(papers: Sequence[PaperText], *, bigrams: bool = False) -> FeatureSet:
    """Fit the vectorizers and the latent topics on the papers; their feature rows.

    Word pairs are off by default: they cost seven times the build time (28 s
    instead of 4 s at 10,000 papers) for no measured gain in ranking."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(papers)
    text_vectorizer = TfidfVectorizer(
        strip_accents="unicode", lowercase=True, stop_words="english", sublinear_tf=True,
        ngram_range=(1, 2) if bigrams else (1, 1), min_df=2 if n >= 2000 else 1,
        max_df=0.5 if n >= 200 else 1.0, max_features=MAX_TEXT_FEATURES,
        token_pattern=TOKEN_PATTERN, dtype=np.float32)
    docs = [paper_document(p) for p in papers]
    try:
        blocks = [text_vectorizer.fit_transform(docs)]
    except ValueError:  # no words at all (no papers, or none with text): a stand-in word
        text_vectorizer.fit(["readq"])
        blocks = [sparse.csr_matrix((n, 1), dtype=np.float32)]
    author_vectorizer: TfidfVectorizer | None = TfidfVectorizer(
        analyzer=author_tokens, min_df=1, sublinear_tf=True, dtype=np.float32)
    try:
        authors = author_vectorizer.fit_transform(  # type: ignore[union-attr]
            [p.authors for p in papers])
        blocks.append(unit_rows(authors) * AUTHOR_WEIGHT)
    except ValueError:  # no paper lists authors
        author_vectorizer = None
    blocks[0] = unit_rows(blocks[0])
    basis = _latent_basis(blocks[0])
    latent = _latent_rows(blocks[0], basis)
    matrix = unit_rows(sparse.hstack(blocks, format="csr", dtype=np.float32))
    ids = np.array([p.id for p in papers], dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    if not np.all(order == np.arange(n)):
        matrix, latent = matrix[order], latent[order]
        papers = [papers[i] for i in order]
        ids = ids[order]
    return FeatureSet(ids, matrix, Vectorizers.of(text_vectorizer, author_vectorizer, basis),
                      [p.title for p in papers], [list(p.authors) for p in papers],
                      _days(papers), latent)


def _latent_basis(text: sparse.csr_matrix) -> np.ndarray:
    """Latent topics of the text block (a truncated SVD, fitted on a sample of at most
    ``LATENT_SAMPLE`` papers: the topics of a big library settle long before that)."""
    n, width = text.shape
    dims = min(LATENT_DIMS, n // 2, width - 1)
    if dims < 2:
        return np.zeros((0, width), dtype=np.float32)
    # scikit-learn's TruncatedSVD does this; its module alone takes a second to import
    from sklearn.utils.extmath import randomized_svd

    sample = text
    if n > LATENT_SAMPLE:
        sample = text[np.sort(np.random.default_rng(0).choice(n, LATENT_SAMPLE, replace=False))]
    _, _, components = randomized_svd(sample, dims, n_iter=4, random_state=0)
    return components.astype(np.float32)


def _latent_rows(text: sparse.csr_matrix, basis: np.ndarray) -> np.ndarray:
    """Text rows in latent topics, each of length 1 (zero when it has no words)."""
    latent = np.asarray(text @ basis.T, dtype=np.float32)
    norms = np.linalg.norm(latent, axis=1, keepdims=True)
    return np.divide(latent, norms, out=np.zeros_like(latent), where=norms > 0)


def _transform(text_vectorizer: TfidfVectorizer, author_vectorizer: TfidfVectorizer | None,
               basis: np.ndarray, papers: Sequence[PaperText]
               ) -> tuple[sparse.csr_matrix, np.ndarray]:
    text = unit_rows(text_vectorizer.transform([paper_document(p) for p in papers]))
    blocks = [text]
    if author_vectorizer is not None:
        authors = author_vectorizer.transform([p.authors for p in papers])
        blocks.append(unit_rows(authors) * AUTHOR_WEIGHT)
    matrix = sparse.hstack(blocks, format="csr", dtype=np.float32)
    return unit_rows(matrix), _latent_rows(text, basis)


def unit_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    """Rows scaled to length 1 (rows of zeros stay zero; no rows is fine)."""
    matrix = sparse.csr_matrix(matrix, dtype=np.float32)
    if matrix.shape[0] == 0:
        return matrix
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sparse.csr_matrix(sparse.diags(scale.astype(np.float32)) @ matrix,
                             dtype=np.float32)


def _days(papers: Sequence[PaperText]) -> np.ndarray:
    return np.array([day_number(p.published) if p.published else day_number(p.added_at)
                     for p in papers], dtype=np.float64)
