"""Sidebar section: where exports render (local workers or a Dask scheduler), with a test."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from ..cluster_link import ClusterLink
from .qt_panel import Action, Place


class QtClusterPanel(QGroupBox):
    """Edit the export scheduler; ``scheduler_changed`` on edit; a click has ``cluster`` test it.

    The sidebar's section under the render settings.
    """

    scheduler_changed = Signal(str)
    test_requested = Signal(str)

    def __init__(
        self, cluster: ClusterLink, scheduler: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__("Export", parent)
        self.address = QLineEdit(scheduler)
        self.address.setPlaceholderText("local workers")
        self.address.setToolTip(
            "Render exports on a Dask cluster: tcp://HOST:8786 for a running scheduler, "
            "local:N for N Dask workers on this machine; empty for the local workers"
        )
        self.address.setClearButtonEnabled(True)
        self.test_button = QPushButton("Test connection")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(self)
        form.addRow("Render on", self.address)
        form.addRow("", self.test_button)
        form.addRow(self.result)
        self._last = scheduler.strip()
        self.address.editingFinished.connect(self._on_address_editing_finished)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.test_requested.connect(cluster.test)
        cluster.tested.connect(self.show_test_result)

    def places(self) -> list[Place]:
        return [Place(self, "sidebar", order=1)]

    def menu_actions(self) -> list[Action]:
        return []

    @property
    def scheduler(self) -> str:
        return self.address.text().strip()

    def show_test_result(self, ok: bool, message: str) -> None:
        """Show the outcome of a connection test."""
        self.test_button.setEnabled(True)
        self.result.setText(("OK: " if ok else "Not reachable: ") + message)
        self.result.setStyleSheet("" if ok else "color: #c0392b;")

    def _on_address_editing_finished(self) -> None:
        if self.scheduler != self._last:
            self._last = self.scheduler
            self.result.clear()
            self.scheduler_changed.emit(self.scheduler)

    def _on_test_button_clicked(self) -> None:
        self._on_address_editing_finished()
        if not self.scheduler:
            self.show_test_result(True, "exports render on this machine's workers")
            return
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(f"Testing {self.scheduler}...")
        self.test_requested.emit(self.scheduler)
