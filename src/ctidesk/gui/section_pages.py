"""Pages with their names in a list on the left: nine sections fit at a dialog's default size,
where a row of nine tabs needs scroll arrows.

It answers the part of `QTabWidget`'s interface the settings dialog uses (``addTab``,
``removeTab``, ``widget``, ``count``, ``currentIndex``, ``setCurrentIndex``, ``tabText``), so the
dialog builds its pages as before. Each page sits in a scroll area: a long page (the phone's ten
Action URLs) scrolls instead of stretching the dialog. A title's ``&`` letter still jumps to its
page with Alt, as on a tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QWidget,
)


class SectionPages(QWidget):
    """A list of section names beside the page of the selected one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.stack = QStackedWidget()
        self._titles: list[str] = []
        self._pages: list[QWidget] = []
        self._shortcuts: list[QShortcut] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._show_row)

    def setAccessibleName(self, name: str) -> None:  # Qt API name
        super().setAccessibleName(name)
        self.list.setAccessibleName(name)

    def addTab(self, page: QWidget, title: str) -> int:  # QTabWidget's name
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(page)
        self._titles.append(title)
        self._pages.append(page)
        self.stack.addWidget(scroller)
        item = QListWidgetItem(title.replace("&", ""))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, title.replace("&", ""))
        self.list.addItem(item)
        shortcut = QShortcut(QKeySequence.mnemonic(title), self)
        shortcut.activated.connect(lambda page=page: self._show_page(page))
        self._shortcuts.append(shortcut)
        self._fit_list()
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return len(self._pages) - 1

    def removeTab(self, index: int) -> None:  # QTabWidget's name
        scroller = self.stack.widget(index)
        if scroller is not None:
            self.stack.removeWidget(scroller)
            scroller.deleteLater()
        self.list.takeItem(index)
        self._titles.pop(index)
        self._pages.pop(index)
        self._shortcuts.pop(index).deleteLater()

    def widget(self, index: int) -> QWidget | None:  # QTabWidget's name
        return self._pages[index] if 0 <= index < len(self._pages) else None

    def count(self) -> int:
        return len(self._pages)

    def currentIndex(self) -> int:  # QTabWidget's name
        return self.list.currentRow()

    def setCurrentIndex(self, index: int) -> None:  # QTabWidget's name
        self.list.setCurrentRow(index)

    def tabText(self, index: int) -> str:  # QTabWidget's name
        return self._titles[index]

    def _show_page(self, page: QWidget) -> None:
        if page in self._pages:
            self.setCurrentIndex(self._pages.index(page))

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def _fit_list(self) -> None:
        """As wide as the longest name, so no name is cut off and the pages keep the rest."""
        widest = self.list.sizeHintForColumn(0)
        self.list.setFixedWidth(widest + 2 * self.list.frameWidth() + 16)
