"""Python's cycle collector, run on the GUI thread only.

The collector runs in whichever thread allocates when a generation fills up. When
that is the background worker (opening the store, writing a bundle) and the garbage
holds Qt objects made on the GUI thread, their destructors run on the wrong thread
and Qt takes the whole process down. So while the app runs, automatic collection is
off and a timer on the GUI thread collects instead, each generation as often as its
threshold would have. Reference counting, which frees almost everything, is untouched.
"""

from __future__ import annotations

import gc

from lt_desktop.ui.qt import QObject, QTimer, Slot

#: How often the GUI thread looks at what has been allocated since the last collection.
INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled: bool | None = None

    def start(self) -> None:
        if self._was_enabled is not None:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left here, then give collection back as it was found."""
        if self._was_enabled is None:
            return
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
        self._was_enabled = None

    @Slot()
    def collect_due(self) -> int:
        """Collect the generations whose thresholds were passed; how many objects went."""
        thresholds = gc.get_threshold()
        if thresholds[0] == 0:
            return 0  # collection was turned off on purpose
        counts = gc.get_count()
        generation = -1
        for level in range(3):
            if counts[level] <= thresholds[level]:
                break
            generation = level
        return gc.collect(generation) if generation >= 0 else 0
