"""The Whoosh schema of the search index and the text normalisation it relies on.

Shared by :mod:`readq.search.index` (writing documents) and the Whoosh
backend of the query (:mod:`readq.search.whoosh_query`), so both sides
analyse text the same way: words are folded with :func:`readq.text.fold`
("Küttler" and "kuttler" are the same word). Stemming ("transformer" also finds "Transformers") is
done at query time (see :class:`readq.search.whoosh_query.StemVariants`), which keeps
indexing about twice as fast as indexing stemmed copies of the text.

Only ``id`` is stored; everything else is indexed but not kept, which keeps the
index small (the store is the source of truth for the text).
"""

from __future__ import annotations


from whoosh.analysis import Analyzer, Filter, IDAnalyzer, RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Existence

from readq.search.normalize import WORD_PATTERN, normalize_arxiv_id, normalize_org
from readq.text import fold

__all__ = [
    "TEXT_ANALYZER",
    "TEXT_FIELDS",
    "STEMMED_FIELDS",
    "FIELD_BOOSTS",
    "STEM_WEIGHT",
    "PAIR_FIELD",
    "PAIR_CODES",
    "COMMON_WORDS",
    "common_pairs",
    "WORD_PATTERN",
    "build_schema",
    "fold",
    "pair_token",
    "words_of",
    "normalize_org",
    "normalize_arxiv_id",
]


class _FoldFilter(Filter):
    """Fold each token with :func:`readq.text.fold` (case and accents)."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            t.text = fold(t.text)
            yield t


#: Splits into words (``WORD_PATTERN``) and folds case and accents with the
#: project's one ``fold``. No stop words: "Attention Is All You Need" must
#: stay findable as a phrase.
TEXT_ANALYZER: Analyzer = RegexTokenizer(WORD_PATTERN) | _FoldFilter()

#: The word-pair field: two neighbouring words of a text field that are both
#: among ``COMMON_WORDS``, as one token "<field code>:<word> <word>". A phrase
#: of common words ("language model", "state of the art") matches most papers
#: word by word, so checking positions would be slow; its pairs narrow it to
#: the papers that have it. A phrase with a less common word needs no pairs:
#: the papers with all its words are few, and their positions are checked
#: (see :mod:`readq.search.fast`). Only common pairs are indexed because each
#: distinct token costs the index writer far more than a posting: indexing
#: every pair made building the index four times slower.
PAIR_FIELD = "pairs"
PAIR_CODES: dict[str, str] = {"title": "t", "authors": "a", "abstract": "b", "note": "n"}

#: Frequent words of English and of research abstracts.
COMMON_WORDS: frozenset[str] = frozenset("""
a about above across after again against all also although among an and another any are
around as at based be because been before being below between both but by can could did
do does doing done down during each either even every few for from further had has have
having here how however i if in into is it its itself just less many may might more most
much must my new no nor not now of off often on once one only or other our out over own
per same several should show shows shown since so some still such than that the their
them then there these they this those three through thus to too two under until up upon
us using very via was we well were what when where whether which while who whom whose why
will with within without would yet
model models modeling modelling learning learn learned data method methods result results
approach approaches performance task tasks training train trained language languages large
neural network networks deep state art time problem problems information system systems
algorithm algorithms analysis framework paper propose proposed present work study use used
novel task approach feature features function functions different high low level multiple
set small number first second various specific general existing recent prior single large
scale real world human based level end self supervised learning robust efficient simple
effective experiments experimental evaluation benchmark benchmarks dataset datasets image
images text video graph graphs policy policies agent agents reward reinforcement control
representation representations space structure structures process processing generation
generative search retrieval knowledge reasoning memory attention transformer transformers
optimization gradient loss objective prediction predictions inference sequence sequences
natural machine computer vision speech visual semantic domain domains target source
accuracy quality cost costs order form type types case cases point points value values
""".split())
class _WordsField(TEXT):
    """A positional text field that indexes with one regular expression over the
    folded text instead of whoosh's token-by-token analyzer chain (the same words,
    several times faster); queries still use ``TEXT_ANALYZER``."""

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        positions: dict[str, list[int]] = {}
        for pos, word in enumerate(words_of(value)):
            positions.setdefault(word, []).append(pos)
        encode = self.format.encode
        boost = self.format.field_boost
        return [(word.encode("utf-8"), len(ps), len(ps) * boost, encode(ps))
                for word, ps in positions.items()]


class _PairsField(KEYWORD):
    """The word-pair field: takes a list of ready-made pair tokens."""

    def __init__(self) -> None:
        super().__init__(scorable=False)
        self.format = Existence()

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        return [(token.encode("utf-8"), 1, 1.0, b"") for token in set(value)]


def words_of(text: str) -> list[str]:
    """The folded words of ``text``, as the index sees them."""
    return WORD_PATTERN.findall(fold(text))


def common_pairs(field: str, words: list[str]) -> list[str]:
    """The pair tokens of ``words`` (a field's folded words, in order) to index."""
    common = COMMON_WORDS
    return [pair_token(field, a, b) for a, b in zip(words, words[1:])
            if a in common and b in common]


def pair_token(field: str, first: str, second: str) -> str:
    """The word-pair token for two neighbouring (folded) words of ``field``."""
    return f"{PAIR_CODES[field]}:{first} {second}"


#: Free-text fields a user can name in a query (positional, so phrases work).
TEXT_FIELDS: tuple[str, ...] = ("title", "authors", "abstract", "note")

#: Fields where a plain word also matches other English forms of it.
STEMMED_FIELDS: tuple[str, ...] = ("title", "abstract", "note")

#: Query-time weights: title > authors > abstract ≈ note. An exact arXiv id
#: match is the strongest signal of all.
FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "authors": 3.0,
    "abstract": 1.0,
    "note": 1.0,
    "arxiv_id": 6.0,
}

#: Other forms of a word count this fraction of the field's weight (on top of
#: the exact form, which matches both), so exact word forms rank first.
STEM_WEIGHT: float = 0.5


def build_schema() -> Schema:
    """Return a fresh schema object for the search index."""
    return Schema(
        # Paper id from the store: the only stored value. No trie levels
        # (shift_step=0): we never run range queries on it.
        id=NUMERIC(int, bits=64, signed=False, stored=True, unique=True, shift_step=0),
        # A "word" that analyses to several tokens ("GPT-4") is searched as a
        # phrase.
        title=_WordsField(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        authors=_WordsField(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        abstract=_WordsField(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        note=_WordsField(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        orgs=KEYWORD(commas=True, lowercase=True),
        category=ID(analyzer=IDAnalyzer(lowercase=True)),
        year=NUMERIC(int, bits=32, signed=True),
        arxiv_id=ID(analyzer=IDAnalyzer(lowercase=True)),
        # Neighbouring word pairs of the text fields (see PAIR_FIELD); only
        # whether a paper has a pair matters, so no frequencies or positions.
        pairs=_PairsField(),
    )
