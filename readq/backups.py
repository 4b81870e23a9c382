"""The backups part of the library service: consistent copies, rotated per class
(before-import, daily, manual, before-upgrade, before-restore), and restores.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private
from readq.service import LibraryError, writes
from readq.store.backup import (
    KEEP,
    REASONS,
    BackupError,
    backup_reason,
    backup_time,
    backups,
    check_backup_file,
    latest_backup_age,
    make_backup,
    restore_into,
)
from readq.store.database import Store
from readq.store.schema import migrate


class BackupOps:
    """Backups, as part of :class:`readq.library.Library`."""

    store: Store

    if TYPE_CHECKING:
        def rebuild_index(self, **kwargs: Any) -> int: ...  # IndexOps
        def finish_backups(self) -> list[str]: ...  # ImportOps

    @property
    def backups_to_keep(self) -> int:
        """How many before-import backups are kept (a library setting, default 10;
        daily, manual, before-upgrade and before-restore backups rotate on their own)."""
        default = KEEP["before-import"] or 10
        return int(self.store.setting("backups_to_keep", str(default)) or default)

    @writes
    def set_backups_to_keep(self, keep: int) -> None:
        """Change how many before-import backups are kept (at least 1)."""
        if keep < 1:
            raise LibraryError("keep at least one backup")
        self.store.set_setting("backups_to_keep", str(keep))

    def backup(self, reason: str = "manual") -> Path:
        """Write a consistent copy of the store to ``backups/``; return its path.

        Backups rotate per reason, so imports never push out the others."""
        keep = self.backups_to_keep if reason == "before-import" else KEEP.get(reason, 10)
        try:
            path = make_backup(self.store.conn, self.store.backup_dir, reason, keep)
            make_private(path.parent, PRIVATE_DIR)
            make_private(path, PRIVATE_FILE)
            return path
        except BackupError as exc:
            raise LibraryError(str(exc)) from None

    def backups(self) -> list[Path]:
        """Backup files, newest first (a before-import copy still being written is
        waited for)."""
        self.finish_backups()
        return backups(self.store.backup_dir)

    def backup_entries(self) -> list[dict[str, Any]]:
        """Backups, newest first: ``{path, reason, reason_text, made_at, size}``."""
        entries = []
        for path in self.backups():
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            reason = backup_reason(path)
            entries.append({"path": path, "reason": reason, "made_at": backup_time(path),
                            "reason_text": REASONS.get(reason, reason or "unknown"),
                            "size": size})
        return entries

    def daily_backup(self) -> Path | None:
        """Back up if the newest backup is a day old (or there is none and papers exist)."""
        self.finish_backups()
        age = latest_backup_age(self.store.backup_dir)
        if self.store.paper_count() and (age is None or age.total_seconds() > 86_400):
            return self.backup("daily")
        return None

    @writes
    def restore_backup(self, path: Path, *, rebuild: bool = True) -> Path:
        """Replace the library with a backup (the current state is backed up first and
        returned); the index is rebuilt from the restored store (or, without
        ``rebuild``, every paper is queued for a check to bring it in step)."""
        try:
            check_backup_file(Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        self.finish_backups()  # a copy under way is written before the store is replaced
        safety = self.backup("before-restore")
        try:
            restore_into(self.store.conn, Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        migrate(self.store.conn)
        if rebuild:
            self.rebuild_index()
        else:
            with self.store.transaction():
                self.store.enqueue_index(self.store.all_ids())
        return safety
