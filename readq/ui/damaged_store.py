"""The dialog shown when the library's store is damaged: restore the newest good backup?

The store is never written or replaced without the user's yes; on yes the damaged
files are kept aside (``damaged-<time>/`` in the library folder) and the backup is
put in their place (``Library.restore_over_damaged``, which also marks the search index
for a rebuild). A store found damaged while the window is open is refused by every
write the window asks of the library (each fails with that one line).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from readq.library import Library, LibraryError, StoreDamaged


def damaged_store_box(damage: StoreDamaged, parent: QWidget | None = None) -> QMessageBox:
    """The message box: what is wrong, and a Restore button when a good backup exists."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("readq")
    box.setText(f"The library store {damage.store} is damaged ({damage.problem}).")
    if damage.backup is not None:
        box.setInformativeText(
            f"The newest good backup is {damage.backup.name}. Restoring it keeps the damaged "
            "store aside in the library folder (nothing is deleted); changes made after "
            "that backup are not in it.")
        box.setDefaultButton(box.addButton("Restore backup", QMessageBox.ButtonRole.AcceptRole))
    else:
        box.setInformativeText(
            "No good backup exists. The store was left untouched: copy it somewhere safe, "
            "then move it out of the library folder to start a new library.")
    box.setEscapeButton(box.addButton(QMessageBox.StandardButton.Close))
    return box


def offer_restore(root: Path, damage: StoreDamaged, parent: QWidget | None = None) -> bool:
    """Ask; restore the newest good backup on yes. True if the library can now open."""
    box = damaged_store_box(damage, parent)
    box.exec()
    clicked = box.clickedButton()
    if damage.backup is None or clicked is None or \
            box.buttonRole(clicked) != QMessageBox.ButtonRole.AcceptRole:
        return False
    try:
        Library.restore_over_damaged(root, damage.backup)
    except (OSError, StoreDamaged, LibraryError) as exc:
        QMessageBox.critical(parent, "readq", f"The backup could not be restored: {exc}")
        return False
    return True
