"""Where a library lives: ``--library DIR``, else ``READQ_LIBRARY``, else the
platform's user data folder. Paths are resolved once and passed in, never read
from globals elsewhere."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import platformdirs

APP_NAME = "readq"


def library_dir(explicit: str | os.PathLike[str] | None = None,
                environ: dict[str, str] | None = None) -> Path:
    """The library folder to use (not created here)."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit).expanduser()
    if env.get("READQ_LIBRARY"):
        return Path(env["READQ_LIBRARY"]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def library_dir_problem(root: Path) -> str | None:
    """Why ``root`` cannot be a library folder, or None. readq puts its store, index
    and backups straight into the folder and makes it private, so it must not be the
    root of the file system or the user's home folder itself."""
    try:
        resolved = Path(root).expanduser().resolve()
    except (OSError, RuntimeError):
        return None  # creating or opening it gives the precise reason
    if resolved == Path(resolved.anchor):
        suggestion = Path(resolved.anchor) / "readq-library"
    elif resolved == Path.home().resolve():
        suggestion = resolved / "readq-library"
    else:
        return None
    return (f"{root} cannot be a library folder (readq would put its files loose in it); "
            f"name a folder of its own, e.g. {suggestion}")


def log_dir() -> Path:
    """The folder for readq's log files."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def resource_path(*parts: str) -> Path | None:
    """A file or folder shipped inside the package (``readq/resources/…``), if present.

    Read through ``importlib.resources``, so it is found in a wheel, a pipx install
    and an editable checkout alike."""
    target = importlib.resources.files("readq").joinpath("resources", *parts)
    if not (target.is_dir() or target.is_file()):
        return None
    return Path(str(target))


def samples_dir() -> Path | None:
    """The sample dumps shipped with readq, if present."""
    return resource_path("samples")
