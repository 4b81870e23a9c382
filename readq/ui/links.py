"""Opening links safely: only http and https URLs, through the desktop's browser."""

from __future__ import annotations

from urllib.parse import quote_plus

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

SAFE_SCHEMES = ("http", "https")


def is_safe(url: QUrl | str) -> bool:
    """Whether a link may be opened (an http or https URL with a host)."""
    qurl = QUrl(url) if isinstance(url, str) else url
    return qurl.isValid() and qurl.scheme().lower() in SAFE_SCHEMES and bool(qurl.host())


def open_url(url: QUrl | str) -> bool:
    """Open an http(s) link in the browser; anything else is refused (False)."""
    qurl = QUrl(url) if isinstance(url, str) else url
    if not is_safe(qurl):
        return False
    return bool(QDesktopServices.openUrl(qurl))


def arxiv_abs_url(arxiv_id: str) -> str:
    """The abstract page of an arXiv paper."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def arxiv_pdf_url(arxiv_id: str) -> str:
    """The PDF of an arXiv paper."""
    return f"https://arxiv.org/pdf/{arxiv_id}"


def arxiv_search_url(title: str) -> str:
    """An arXiv search for a title (papers without a known id)."""
    return f"https://arxiv.org/search/?query={quote_plus(title)}&searchtype=title"
