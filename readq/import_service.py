"""The importing part of the library service: import actions, files, pasted text,
and undoing an import (the merging itself is :mod:`readq.importing`).

One ``readq import`` command or one import in the app is one *action*: one
backup before it, one "New since last import", one undo step.

The backup before an import is a snapshot of the store taken before the
action's first write and copied on a thread while the import stores its records
(:class:`~readq.store.backup.SnapshotBackup`), so on a big library the first
papers are stored at once instead of after a copy of the whole store.
``finish_backups`` waits for the copy and notes its path in the action (the next
import, closing the library, or the app's import job when its papers are indexed).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readq.empty_records import EmptyRecordGuard, MostlyEmpty
from readq.import_names import HEAD_CHARS, clean_name, import_name
from readq.importing import FileReport, Importer, UndoneImport, undo_action
from readq.models import DumpError, DumpFormat, ParseResult, Problem
from readq.parsing import DumpSource, parse_text, stream_items
from readq.service import Cancel, LibraryError, Progress, busy_as_error, writes
from readq.store import actions as action_sql
from readq.store import imports as store_imports
from readq.store.backup import BackupError, SnapshotBackup, record_action_backup
from readq.store.checkpoints import ChunkedCheckpoints
from readq.store.database import Store, now_iso
from readq.store.health import refuse_damaged

log = logging.getLogger("readq.library")

ANALYZE_AFTER = 1000  # new papers in one import that make statistics worth refreshing


@dataclass
class ImportAction:
    """One import as the user sees it (a command, a dialog, a drop, a paste)."""

    id: int
    kind: str
    backup: Path | None  # the backup made before it, once its copy is written
    backup_error: str | None = None  # why that copy failed (the import is not affected)


class ImportOps:
    """Importing, as part of :class:`readq.library.Library`."""

    store: Store
    last_import_chunk_s: float
    import_chunk_times: list[float]
    pending_backups: list[tuple[ImportAction, SnapshotBackup]]

    if TYPE_CHECKING:
        @property
        def backups_to_keep(self) -> int: ...  # BackupOps

    @contextmanager
    def import_action(self, kind: str = "import") -> Iterator[ImportAction]:
        """One import as the user sees it: one backup first (if there is anything to
        lose), one entry in "New since last import", one undo step.

        The backup is the store as it is now, copied beside the import (see the
        module's docstring); it is refused with a message, before anything is
        stored, only if not even its snapshot can be begun."""
        self.finish_backups()  # an earlier import's copy first: rotation stays in order
        refuse_damaged(self.store.path)  # before a copy of a damaged store is begun
        copy = self._begin_backup() if self.store.paper_count() else None
        try:
            with busy_as_error(), self.store.transaction():
                action_id = action_sql.start_action(self.store.conn, kind, now_iso())
        except BaseException:
            if copy is not None:  # a backup of an untouched library: keep it, name no action
                self.pending_backups.append((ImportAction(0, kind, None), copy))
            raise
        action = ImportAction(action_id, kind, None)
        if copy is not None:
            self.pending_backups.append((action, copy))
        # no commit of the action (naming an import, finishing it) copies the write-ahead
        # log back inside its transaction: passive checkpoints between chunks, one at the end
        with ChunkedCheckpoints(self.store.conn):
            try:
                yield action
            finally:
                try:
                    with busy_as_error(), self.store.transaction():
                        action_sql.finish_action(self.store.conn, action_id, now_iso())
                except LibraryError:
                    log.warning("could not mark import action %s finished", action_id)

    def _begin_backup(self) -> SnapshotBackup:
        try:
            return SnapshotBackup(self.store.path, self.store.backup_dir, "before-import",
                                  self.backups_to_keep)
        except BackupError as exc:
            raise LibraryError(str(exc)) from None

    def finish_backups(self) -> list[str]:
        """Wait for the before-import backups still being copied and note each one's
        path in its import action. Returns one line per copy that failed (logged too;
        the import itself is whole either way, and can be undone)."""
        problems = []
        while self.pending_backups:
            action, copy = self.pending_backups.pop(0)
            try:
                path = copy.wait()
            except BackupError as exc:
                action.backup_error = str(exc)
                log.error("the backup before import action %s failed: %s", action.id, exc)
                problems.append(f"the backup before this import could not be written: {exc}")
                continue
            action.backup = path
            if not action.id:
                continue
            try:
                with busy_as_error(), self.store.transaction():
                    record_action_backup(self.store.conn, action.id, str(path))
            except (LibraryError, sqlite3.Error):  # the file is there and listed anyway
                log.warning("could not note backup %s in import action %s", path, action.id)
        return problems

    @writes
    def import_paths(self, paths: Iterable[Path], *, format: DumpFormat | None = None,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None,
                     action: ImportAction | None = None, allow_empty: bool = False,
                     names: Sequence[str] | None = None) -> list[FileReport]:
        """Import files as one import action; a file that fails is reported, and what
        it stored before failing stays whole (importing it again finishes it). A file
        whose records are mostly empty is refused unless ``allow_empty``
        (:mod:`readq.empty_records`). ``names``: what to call each file instead of its
        path (``stdin``)."""
        paths = [Path(path) for path in paths]
        if action is None:
            with self.import_action() as own:
                return self.import_paths(paths, format=format, progress=progress,
                                         should_cancel=should_cancel, action=own,
                                         allow_empty=allow_empty, names=names)
        reports = []
        for n, path in enumerate(paths):
            if should_cancel and should_cancel():
                break
            reports.append(self.import_file(path, format=format, progress=progress,
                                            should_cancel=should_cancel, action=action,
                                            allow_empty=allow_empty,
                                            name=names[n] if names else None))
        if sum(r.new for r in reports) >= ANALYZE_AFTER:
            self.store.analyze()  # the query planner's statistics follow the library's size
        return reports

    def import_file(self, path: Path, *, format: DumpFormat | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    action: ImportAction | None = None, allow_empty: bool = False,
                    name: str | None = None) -> FileReport:
        """Parse and store one dump file, streamed (memory does not grow with its size);
        ``name`` is what the report and the paper's sightings call it (else its path)."""
        report = FileReport(path=name or str(path))
        try:
            with DumpSource(Path(path)) as source:
                kind, items = stream_items(source.lines(), source.captured, format)
                report.unsure = items.unsure  # filled while the items are consumed
                total = max(1, source.size // 1500)  # progress estimate: ~1.5 kB a record
                guard = EmptyRecordGuard(items, report.path, allow=allow_empty)
                report = self._store_items(kind, guard, name or Path(path).name, report,
                                           progress, should_cancel, source.problems, total,
                                           action)
                _warn_if_mostly_empty(report, guard)
        except DumpError as exc:
            # a file saved from standard input is named as the user knows it
            report.failed = str(exc).replace(str(path), report.path)
            report.refused_empty = isinstance(exc, MostlyEmpty)
            return report
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEAD_CHARS).decode("utf-8", "replace")
        except OSError:
            head = ""
        self._name_import(report, head)
        return report

    def import_text(self, text: str, *, name: str = "clipboard",
                    format: DumpFormat | None = None, captured: date | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    action: ImportAction | None = None,
                    allow_empty: bool = False) -> FileReport:
        """Parse and store pasted text (year-less dates resolve against today); text
        whose records are mostly empty is refused unless ``allow_empty``."""
        report = FileReport(path=name)
        try:
            parsed = parse_text(text, captured=captured or date.today(), format=format)
        except DumpError as exc:
            report.failed = str(exc)
            return report
        report = self.store_parsed(parsed, name, report, progress, should_cancel, action,
                                   allow_empty=allow_empty)
        self._name_import(report, text[:HEAD_CHARS])
        return report

    def _name_import(self, report: FileReport, head: str) -> None:
        """Name an import after what it holds (``import_names``), if it brought something."""
        if report.import_id is None or report.format is None or report.failed:
            return
        authors = store_imports.author_lists(self.store.conn, report.import_id)
        try:
            self.rename_import(report.import_id, import_name(report.format, authors, head))
        except LibraryError:
            log.warning("could not name import %s", report.import_id)

    @writes
    def rename_import(self, import_id: int, name: str) -> str:
        """Give an import another name (shown in the sidebar); return the name kept."""
        cleaned = clean_name(name)
        if not cleaned:
            raise LibraryError("an import's name needs at least one letter")
        with self.store.transaction():
            store_imports.set_name(self.store.conn, import_id, cleaned)
        return cleaned

    def store_parsed(self, parsed: ParseResult, file_name: str, report: FileReport,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None,
                     action: ImportAction | None = None, *,
                     allow_empty: bool = False) -> FileReport:
        """Merge parsed records into the store (chunks of whole records)."""
        items: list[Any] = [*parsed.records, *parsed.problems]
        report.unsure = dict(parsed.unsure)
        guard = EmptyRecordGuard(iter(items), file_name, allow=allow_empty)
        try:
            report = self._store_items(parsed.format, guard, file_name, report, progress,
                                       should_cancel, [], len(parsed.records), action)
        except DumpError as exc:
            report.failed = str(exc)
            report.refused_empty = isinstance(exc, MostlyEmpty)
            return report
        _warn_if_mostly_empty(report, guard)
        return report

    def _store_items(self, kind: DumpFormat, items: Iterator[Any], file_name: str,
                     report: FileReport, progress: Progress | None,
                     should_cancel: Cancel | None, late_problems: list[Any],
                     expected: int, action: ImportAction | None) -> FileReport:
        if action is None:
            with self.import_action() as own:
                return self._store_items(kind, items, file_name, report, progress,
                                         should_cancel, late_problems, expected, own)
        importer = Importer(self.store, action.id)
        try:
            return importer.store_items(kind, items, file_name, report, progress,
                                        should_cancel, late_problems, expected)
        except DumpError:
            self._forget_empty_import(report)
            raise
        finally:
            self.last_import_chunk_s = max(self.last_import_chunk_s, importer.longest_chunk_s)
            self.import_chunk_times.extend(importer.chunk_times)

    def _forget_empty_import(self, report: FileReport) -> None:
        if report.import_id is None:
            return
        with self.store.transaction():
            if not self.store.one("SELECT 1 FROM sightings WHERE import_id = ? LIMIT 1",
                                  (report.import_id,)):
                self.store.delete_import(report.import_id)

    def import_actions(self) -> list[dict[str, Any]]:
        """Import actions (with their files), newest first."""
        return action_sql.action_rows(self.store.conn)

    def latest_import_action(self) -> int | None:
        """The import action "New since last import" shows."""
        return action_sql.latest_action(self.store.conn)

    @writes
    def undo_import(self, action_id: int, *, keep_touched: bool = False,
                    progress: Progress | None = None) -> UndoneImport:
        """Remove the papers and sightings an import action added and put back what it
        filled in on papers that were there before (never the user's state on those).

        Refused with a message if papers it added got user state since, unless
        ``keep_touched`` (those papers then stay). ``progress(done, total)`` follows
        the papers removed."""
        try:
            return undo_action(self.store, action_id, keep_touched=keep_touched,
                               progress=progress)
        except LookupError:
            raise LibraryError("that import was already undone") from None
        except PermissionError as exc:
            n = exc.args[0]
            raise LibraryError(
                f"{n} paper{'s' if n != 1 else ''} from this import "
                f"{'have' if n != 1 else 'has'} your ratings, notes, tags or queue places "
                "since; undoing the import would lose them") from None


def _warn_if_mostly_empty(report: FileReport, guard: EmptyRecordGuard) -> None:
    """A dump that looked fine in its first records but is mostly empty in all: said
    with the count (it was stored, as the first records promised)."""
    if guard.mostly_empty and not report.failed and guard.records:
        report.errors.insert(0, Problem(0, f"{guard.empty:,} of {guard.records:,} records "
                                           "have no title and no abstract"))
