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
    copy_as_is,
    latest_backup_age,
    make_backup,
    restore_into,
)
from readq.store import verdict
from readq.store.database import Store
from readq.store.health import STORE_NAME, damaged_folder, restore_over_damaged
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
        """Replace the library with a backup and return where the library as it was is
        kept: a before-restore backup, or — for a store a full check found damaged,
        which no backup may hold — a ``damaged-<time>/`` folder beside it.

        The index is marked for a rebuild before the store is touched, so a restore
        killed half-way is reindexed by the next open; then it is rebuilt from the
        restored store (or, without ``rebuild``, every paper is queued for a sync)."""
        from readq.search.verify import mark_for_rebuild, rebuild_started

        try:
            check_backup_file(Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        self.finish_backups()  # a copy under way is written before the store is replaced
        if verdict.known_damage(self.store.path) is None:
            safety = self.backup("before-restore")
        else:
            safety = self._keep_damaged_aside()
        try:
            mark_for_rebuild(self.index_dir)
        except OSError as exc:
            raise LibraryError(f"nothing was restored: the search index in {self.index_dir} "
                               f"cannot be marked for rebuilding ({exc.strerror or exc})"
                               ) from None
        try:
            restore_into(self.store.conn, Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        # the backup passed its full check just now: the restored store is sound
        verdict.record(self.store.path, None, verdict.identity(self.store.path))
        migrate(self.store.conn)
        self.release_index()
        if rebuild:
            self.rebuild_index()
        else:
            with self.store.transaction():
                self.store.enqueue_index(self.store.all_ids())
            rebuild_started(self.index_dir)  # the queue carries every paper from here
        return safety

    def _keep_damaged_aside(self) -> Path:
        """Copy the damaged store (as it is, unchecked) into a ``damaged-<time>/`` folder."""
        aside = damaged_folder(self.root) / STORE_NAME
        try:
            copy_as_is(self.store.conn, aside)
        except BackupError as exc:
            raise LibraryError(f"nothing was restored: {exc}") from None
        return aside

    @staticmethod
    def restore_over_damaged(root: Path, backup: Path) -> Path:
        """For a library whose store cannot be opened (damaged): keep the damaged files
        aside in ``damaged-<time>/`` and put ``backup`` in their place; return that
        folder. The index is marked for a rebuild first (the next open rebuilds it)."""
        from readq.search.verify import mark_for_rebuild

        root = Path(root)
        try:
            mark_for_rebuild(root / "index")
        except OSError as exc:
            raise LibraryError(f"nothing was restored: the search index in {root / 'index'} "
                               f"cannot be marked for rebuilding ({exc.strerror or exc})"
                               ) from None
        return restore_over_damaged(root, backup)
