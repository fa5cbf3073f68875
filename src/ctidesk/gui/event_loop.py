"""The asyncio loop on Qt's event loop (qasync), closed so that no Qt object of it outlives it."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import QObject


def close_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Close ``loop`` and delete its Qt objects now, on this (the GUI) thread.

    qasync runs ``call_later`` callbacks on Qt timers of a QObject it keeps; ``close()`` only
    marks that object stopped, and the timers still pending stay registered. The closed loop and
    the object hold each other (timer, its handles, the loop), so Python's cycle collector frees
    them some time later, on whichever thread happens to allocate then: the journal's writer
    thread, say. Deleted on that thread, Qt cannot unregister the timers ("Timers cannot be
    stopped from another thread") and later delivers one to the freed object: a segfault in
    ``processEvents``, seconds after the loop was closed.
    """
    loop.close()
    for part in list(vars(loop).values()):
        if isinstance(part, QObject) and shiboken6.isValid(part):
            shiboken6.delete(part)
