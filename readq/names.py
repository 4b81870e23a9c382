"""Author lists: ``A, B, C et al. · org1, org2``, and splitting a title glued to its
first author (``…to Use ToolsTimo Schick, Jane Dwivedi-Yu``).

The split is decided by what a person's (or team's) name looks like, token by
token, in any script: capitalised words (``Küttler``, ``Dwivedi-Yu``, ``D'Oro``,
``McDonald``), initials (``J.``, ``J.-P.``), particles (``van der``, ``de``),
suffixes (``Jr.``) and words of scripts without case. Names seen elsewhere in the
same dump are preferred when several splits are possible.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from readq.text import fold

PARTICLES = frozenset(
    "van von vom der den de del della delle degli dei dal di da das dos do du des le la les "
    "lo los las ten ter op 't zu zur bin ibn bint ben al el y e af av st. d' l'".split()
)
# lower-case Arabic article prefixes joined by a hyphen: al-Khwarizmi, el-Sayed
_ARTICLE_PREFIXES = frozenset("al el ad ud an ar as ash at az".split())
# lower-case heads before an apostrophe: d'Abrusco, l'Huillier, dell'Oro
_APOSTROPHE_HEADS = frozenset("d l dell degl dall sant".split())
# the last word of a team's name: The Fermi LAT Collaboration, Open Ended Learning Team
TEAM_WORDS = frozenset(
    "team consortium collaboration collaborations lab labs laboratory group project "
    "initiative collective network alliance".split()
)
_TEAM_CONNECTORS = frozenset("of for and the de on in at".split())
SUFFIXES = frozenset("jr. jr sr. sr ii iii iv".split())
# Capitalised name parts that carry a second capital: McDonald, MacKay, DiCaprio,
# LeCun, DeAndre, VanderPlas, FitzGerald.
CAMEL_PREFIXES = ("Mc", "Mac", "Di", "De", "Da", "Du", "La", "Le", "Van", "Von", "Fitz", "St")
APOSTROPHES = "'’"
_ORG_SEPARATOR = re.compile(r"\s+[·•]\s+|\s+[·•]$")
_ET_AL = re.compile(r",?\s*(?:et\s+al\.?|and\s+others|…|\.\.\.)\s*$", re.IGNORECASE)


@dataclass
class AuthorLine:
    """The parts of an author line."""

    authors: list[str]
    truncated: bool
    orgs: list[str]


def _is_caseless_letter(ch: str) -> bool:
    return ch.isalpha() and not ch.isupper() and not ch.islower()


def _is_lower_run(text: str) -> bool:
    """Lower-case letters (and combining marks) only, at least one."""
    return bool(text) and all(
        ch.islower() or unicodedata.category(ch) == "Mn" for ch in text
    )


def _is_capword_part(part: str) -> bool:
    """``Küttler``, ``D'Oro``, ``O'Brien``, ``McDonald``, ``LeCun``; or a caseless word."""
    if not part:
        return False
    if all(_is_caseless_letter(ch) or unicodedata.category(ch) == "Mn" for ch in part):
        return True
    for ap in APOSTROPHES:
        if ap in part:
            head, _, tail = part.partition(ap)
            if head in _APOSTROPHE_HEADS:  # d'Abrusco, l'Huillier, dell'Oro
                return _is_capword_part(tail)
            # O'Brien, D'Oro, N'Diaye, Degl'Innocenti; also Ng'ang'a-like lower tails.
            return (len(head) <= 4 and head[:1].isupper() and _is_lower_run(head[1:] or "x")
                    and (_is_capword_part(tail) or _is_lower_run(tail)))
    if not part[0].isupper():
        return False
    rest = part[1:]
    if _is_lower_run(rest) or rest == "":
        return len(part) >= 2
    for prefix in CAMEL_PREFIXES:
        if part.startswith(prefix) and len(part) > len(prefix) + 1:
            tail = part[len(prefix):]
            if tail[0].isupper() and _is_lower_run(tail[1:]):
                return True
    return False


_INITIALS = re.compile(r"^(?:[^\W\d_]\.)(?:-?[^\W\d_]\.)*$")
# abbreviated given names, alone or run together with initials: Wm., Th., Ma.T., O'C.
_ABBREVIATED = re.compile(
    r"^(?:[A-Z][a-z]{0,3}\.|[A-Z]['’][A-Z]\.?|[A-Z]\.?-[A-Z]\.)(?:-?[A-Z][a-z]{0,2}\.)*$")
_GLUED_INITIALS = re.compile(r"^(?:[A-Z]\.-?)+(?=[^\W\d_])")  # M.O'Dowd, J.-P.Serre


def token_kind(token: str) -> str | None:
    """Classify one token of a name: initial, word, particle, suffix; None if not a name part.

    A character kept as U+FFFD (a byte a bad decode could not read) counts as a letter."""
    if "\ufffd" in token:
        token = token[0].replace("\ufffd", "X") + token[1:].replace("\ufffd", "x")
    low = token.lower()
    if low in SUFFIXES:
        return "suffix"
    if token in PARTICLES:  # lower-case only: "Du", "Le", "De" are surnames
        return "particle"
    if _INITIALS.match(token) and all(ch.isupper() or ch in ".-" for ch in token):
        return "initial"
    if len(token) == 1 and token.isupper():
        return "initial"
    if _ABBREVIATED.match(token):
        return "initial"
    glued = _GLUED_INITIALS.match(token)
    if glued:  # initials with no space before the surname (or particle: S.de la Torre)
        rest = token_kind(token[glued.end():])
        return {"word": "word", "particle": "initial"}.get(rest or "")
    parts = token.split("-")
    if len(parts) > 1 and parts[0] in _ARTICLE_PREFIXES:  # al-Khwarizmi
        parts = parts[1:]
    if all(_is_capword_part(p) or (i > 0 and _is_lower_run(p)) for i, p in enumerate(parts)):
        return "word"
    return None


def is_team_name(name: str) -> bool:
    """``The Fermi LAT Collaboration``, ``Open Ended Learning Team``, ``AXTAR Consortium``:
    capitalised words, acronyms and numbers ending in a team word."""
    tokens = name.split(" ")
    if not 2 <= len(tokens) <= 7 or tokens[-1].lower() not in TEAM_WORDS:
        return False
    if not tokens[-1][0].isupper():
        return False
    for token in tokens[:-1]:
        if token.lower() in _TEAM_CONNECTORS and token != tokens[0]:
            continue
        if not all(ch.isalnum() or ch in "-./&+'’" for ch in token):
            return False
        if not all(_is_team_part(part) or (token is not tokens[0] and _is_camel(part))
                   for part in re.split(r"[-/]", token)):
            return False
    return True


def _is_camel(part: str) -> bool:
    """``DeepMind``, ``OpenAI`` — inside a team's name, never as its first word (where
    ``GHz`` + ``Fermi`` would read as ``HzFermi``)."""
    if re.fullmatch(r"(?:[A-Z][a-z]+){2,3}|[A-Z][a-z]+[A-Z]{2,3}|[A-Z]{2,4}[a-z]+",
                    part) is None:
        return False  # DeepMind, OpenAI, ASgamma
    # ``PositivityThe``: a title's last word glued to ``The …``, not one word
    return not any(w.lower() in _TEAM_CONNECTORS or w in ("A", "An")
                   for w in re.findall(r"[A-Z][a-z]*", part)[1:])


def _is_team_part(part: str) -> bool:
    """One hyphen/slash part of a team's word: an acronym (``LAT``, ``H.E.S.S.``,
    ``2dF``), a capitalised word, or a word of a script without case; never two words
    run together (``674The``, ``BallsMUSIC``, ``IThe``)."""
    if not part:
        return False
    if _is_lower_run(part) or re.fullmatch(r"[A-Z][a-z]+[A-Z]\d*", part):
        return True  # Gamma-ray, WiggleZ
    letters = [ch for ch in part if ch.isalpha()]
    if not letters or all(ch.isupper() or _is_caseless_letter(ch) for ch in letters):
        return not re.search(r"\d[A-Z]{2}", part) or part.isupper()
    if re.fullmatch(r"\d+[a-z]{1,2}[A-Z]*", part):  # 2dF, 6dFGS
        return True
    return _is_capword_part(part)


def name_score(name: str, *, first_in_line: bool = False) -> int | None:
    """How much ``name`` looks like one author's name; None when it cannot be one.

    ``first_in_line``: the name follows a title with nothing between, so a lone
    capital (``M Generalisation`` from ``…LLM Generalisation``) cannot start it.
    """
    tokens = name.split(" ")
    if not 1 <= len(tokens) <= 9 or any(not t for t in tokens):
        return None
    if is_team_name(name):
        return 2
    kinds = [token_kind(t) for t in tokens]
    if None in kinds:
        return None
    if kinds[0] == "suffix" or kinds[-1] in ("particle",):
        return None
    if first_in_line and kinds[0] == "initial" and "." not in tokens[0]:
        return None
    if kinds.count("word") == 0:
        return None
    if kinds[0] == "particle" and "word" not in kinds[1:]:
        return None
    core = sum(1 for kind in kinds if kind in ("word", "initial"))
    if core > 5:
        return None
    score = {1: -2, 2: 3, 3: 3, 4: 1}.get(core + ("particle" in kinds), 0)
    if kinds[0] == "particle":
        score -= 1
    if kinds[-1] == "initial":
        score -= 2
    return score


def split_author_line(line: str) -> AuthorLine:
    """``A, B, C et al. · org1, org2`` → authors, truncated flag, orgs."""
    orgs: list[str] = []
    parts = _ORG_SEPARATOR.split(line, maxsplit=1)
    if len(parts) == 2:
        line, org_text = parts
        orgs = [o.strip() for o in org_text.split(",") if o.strip()]
    authors_text, truncated = strip_et_al(line)
    return AuthorLine(split_names(authors_text), truncated, orgs)


def without_orgs(line: str) -> str:
    """The author line without its ``· org1, org2`` tail."""
    return _ORG_SEPARATOR.split(line, maxsplit=1)[0]


def strip_et_al(text: str) -> tuple[str, bool]:
    stripped = _ET_AL.sub("", text)
    return stripped.strip(), stripped != text


def split_names(text: str) -> list[str]:
    """Split ``A, B and C`` into names; ``Jr.``-like suffixes stay with their name."""
    names: list[str] = []
    for chunk in re.split(r",\s*|;\s*|\s+&\s+|,?\s+and\s+(?=\S+\s+\S)", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if names and chunk.lower() in SUFFIXES:
            names[-1] = f"{names[-1]} {chunk}"
        else:
            names.append(chunk)
    return names


_GLUE_BREAKERS = "-–—(/[{:,&+"


def split_title_and_authors(
    line: str, known_names: frozenset[str] = frozenset()
) -> tuple[str, list[str]] | None:
    """``(title, authors)`` of a glued line, or None; see ``split_glued_line``."""
    found = split_glued_line(line, known_names)
    return None if found is None else (found[0], found[1])


def split_glued_line(
    line: str, known_names: frozenset[str] = frozenset()
) -> tuple[str, list[str], bool] | None:
    """Split ``<title><first author>, <author>, …`` where nothing separates title and authors.

    ``line`` has had its ``· orgs`` and ``et al.`` removed. Every position where a
    name could start right after a non-space character is tried; everything after
    it must read as a list of names (``name_score``), and the title must not end in
    a character that cannot end a title. Names in ``known_names`` (folded) win;
    then the split that reads the most names; then the best-shaped first name;
    then the earliest position. Organisations as first authors (``OpenAI``) are
    tried last. None when no position works. The flag says whether the split is
    sure: the runner-up lost on more than the shape of the first name or position.
    """
    found = _best_split(line, known_names)
    if found is None:
        team = _team_split(line)
        found = None if team is None else (team[0], team[1], False)
    if found is None or not found[2]:
        # a first author that starts with a bare initial: ``G C Jordan``, ``N D'Cruz``
        relaxed = _best_split(line, known_names, strict=False)
        if relaxed is not None and (found is None or len(relaxed[1]) > len(found[1])):
            found = relaxed
    return found


def _glue_points(line: str) -> list[int]:
    """Positions where a first author could start, glued to the title before it."""
    points = []
    for i in range(1, len(line)):
        prev, ch = line[i - 1], line[i]
        if prev.isspace() or ch.isspace() or prev in _GLUE_BREAKERS:
            continue
        if prev in APOSTROPHES and i >= 2 and line[i - 2].isupper() and (
                i == 2 or not line[i - 3].isalpha()):
            continue  # inside O'Donnell, D'Cruz
        if ch.islower():
            word = line[i:].split(" ", 1)[0]
            if word not in PARTICLES or len(word) < 2:
                continue
        elif not (ch.isupper() or _is_caseless_letter(ch)):
            continue
        elif _is_caseless_letter(ch) and _is_caseless_letter(prev):
            continue
        if i >= 2:
            points.append(i)
    return points


def _title_end_score(title: str) -> int:
    """0 for a plausible end of a title; -1 for one that is the start of a name
    (``…Tau EN D'`` + ``Cruz``, ``…ArrayRemco F.`` + ``J. van der Burg``)."""
    if re.search(r"(?:^|\s)[A-Z]['’]$|[A-Z]\.$", title):
        return -1
    return 0


def _best_split(line: str, known_names: frozenset[str], *, strict: bool = True
                ) -> tuple[str, list[str], bool] | None:
    """The best glue point: a title that does not end in the start of a name, then
    the most names read (a split inside a name leaves the earlier names in the
    "title"), then a first name known from elsewhere in the dump, then the
    best-shaped first name, then the earliest position."""
    best: tuple[tuple[int, ...], str, list[str]] | None = None
    runner_up: tuple[int, ...] | None = None
    for i in _glue_points(line):
        names = split_names(line[i:])
        if not names:
            continue
        first_score = name_score(names[0], first_in_line=strict)
        if first_score is None or any(name_score(n) is None for n in names[1:]):
            continue
        # a name glued to a lower-case title end starts with a lower-case particle only
        # as a last resort (``…Learningvan den Oord``; not ``Gracie|la Binimelis``)
        # inside a run of capitals (``P|LANET``) is no case change either
        after = line[i + 1] if i + 1 < len(line) else " "
        case_change = int(not line[i].islower() and not (
            line[i - 1].isupper() and line[i].isupper() and not after.islower()))
        key = (_title_end_score(line[:i]), len(names), int(fold(names[0]) in known_names),
               case_change, first_score, -i)
        if best is None or key > best[0]:
            runner_up = best[0] if best is not None else None
            best = (key, line[:i], names)
        elif runner_up is None or key > runner_up:
            runner_up = key
    if best is None:
        return None
    # sure when the runner-up lost on the title's end, the names read, known names or
    # a case change at the glue (not merely on the shape of the first name or position);
    # a glue with no case change (``…Learningvan den Oord``) is never sure
    sure = strict and best[0][3] == 1 and (runner_up is None or best[0][:4] != runner_up[:4])
    return best[1], best[2], sure


def _case_changes(word: str) -> int:
    return sum(1 for a, b in zip(word, word[1:]) if a.islower() and b.isupper())


def _is_team_token(token: str) -> bool:
    """``OpenAI``, ``DeepSeek-AI``, ``Team``: capitalised, letters/digits, one case change at most."""
    return (
        token[:1].isupper()
        and all(ch.isalnum() or ch in "-." for ch in token)
        and _case_changes(token) <= 1
    )


def _team_split(line: str) -> tuple[str, list[str]] | None:
    """Fallback for a first author that is an organisation (``OpenAI``, ``DeepSeek-AI``).

    The earliest position where the first name is 1–3 team-like tokens, the other
    names are ordinary names, and the title's last word is not itself camel-cased
    across the split.
    """
    for i in _glue_points(line):
        title = line[:i]
        names = split_names(line[i:])
        if not names or not line[i].isupper():
            continue
        tokens = names[0].split(" ")
        if len(tokens) > 3 or not all(_is_team_token(t) for t in tokens):
            continue
        if _case_changes(title.rsplit(" ", 1)[-1]) > 0 or line[i - 1].isupper():
            continue
        if any(name_score(n) is None for n in names[1:]):
            continue
        return title, names
    return None


def _name_parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s.]+", fold(name)) if p]


def same_person(a: str, b: str) -> bool:
    """Whether two author names name one person: equal when folded, or the same
    surname with given names that agree where both are written out (an initial
    agrees with any name it starts): "S. Sukhbaatar" = "Sainbayar Sukhbaatar",
    "Sharath Raparthy" = "Sharath Chandra Raparthy"."""
    pa, pb = _name_parts(a), _name_parts(b)
    if not pa or not pb:
        return False
    if pa == pb:
        return True
    if len(pa) < 2 or len(pb) < 2 or pa[-1] != pb[-1]:
        return False
    first_a, first_b = pa[0], pb[0]
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return first_a == first_b
