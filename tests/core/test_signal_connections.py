"""How the GUI connects signals, checked on the source tree (issue 14, findings 1 and 2).

- A widget connects a signal of an object it was handed (the bridge, a store, a timer of the
  desktop) only to its own methods: Qt drops those connections when the widget is destroyed,
  while a lambda or another object's method stays connected to the long-lived object and runs
  on a deleted widget ("Internal C++ object already deleted", then the crash of issue 14).
- ``clicked``, ``triggered`` and ``toggled`` carry ``checked``; PySide6 passes it to any slot
  that takes an argument, so their slots take no optional argument (the tray's "Dial..." called
  ``open_dialer(text=False)``), and a slot whose signature this file cannot see (a callable
  handed in) is wrapped in a lambda that says what it passes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

GUI = Path(__file__).parents[2] / "src" / "ctidesk" / "gui"
CHECKED_SIGNALS = {"clicked", "triggered", "toggled"}


def _classes() -> Iterator[tuple[Path, ast.ClassDef]]:
    for path in sorted(GUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                yield path, node


def _methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def _connections(function: ast.FunctionDef) -> Iterator[tuple[ast.Attribute, ast.expr]]:
    """(the signal expression, the slot) of every ``<signal>.connect(<slot>)`` call."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and isinstance(node.func.value, ast.Attribute)
            and len(node.args) == 1
        ):
            yield node.func.value, node.args[0]


def _handed_in(cls: ast.ClassDef) -> set[str]:
    """Attributes of ``self`` that hold an object the constructor was handed."""
    init = _methods(cls).get("__init__")
    if init is None:
        return set()
    parameters = {a.arg for a in init.args.args[1:] + init.args.kwonlyargs}
    names: set[str] = set()
    for node in ast.walk(init):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id in parameters
        ):
            for target in node.targets:
                if _is_self_attribute(target):
                    assert isinstance(target, ast.Attribute)
                    names.add(target.attr)
    return names


def _is_self_attribute(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _is_widget(cls: ast.ClassDef, widgets: set[str]) -> bool:
    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases}
    return bool(bases & widgets)


def _widget_classes() -> set[str]:
    """Qt's widget classes the GUI derives from, and the GUI's own widgets derived from them."""
    widgets = {
        "QWidget",
        "QDialog",
        "QFrame",
        "QMainWindow",
        "QMessageBox",
        "QLabel",
        "QTableWidget",
        "QTreeWidget",
    }
    classes = [cls for _path, cls in _classes()]
    grown = True
    while grown:
        grown = False
        for cls in classes:
            if cls.name not in widgets and _is_widget(cls, widgets):
                widgets.add(cls.name)
                grown = True
    return widgets


def test_widgets_connect_handed_in_objects_only_to_their_own_methods() -> None:
    widgets = _widget_classes()
    offences = []
    for path, cls in _classes():
        if not _is_widget(cls, widgets):
            continue
        handed_in = _handed_in(cls)
        for function in _methods(cls).values():
            parameters = {a.arg for a in function.args.args[1:] + function.args.kwonlyargs}
            for signal, slot in _connections(function):
                owner = signal.value
                from_outside = (isinstance(owner, ast.Name) and owner.id in parameters) or (
                    _is_self_attribute(owner)
                    and isinstance(owner, ast.Attribute)
                    and owner.attr in handed_in
                )
                if from_outside and not _is_self_attribute(slot):
                    offences.append(
                        f"{path.name}:{slot.lineno} {cls.name}: "
                        f"{ast.unparse(signal)}.connect({ast.unparse(slot)})"
                    )
    assert offences == [], "connect these to the widget's own methods"


def test_checked_signals_reach_slots_that_expect_it() -> None:
    offences = []
    for path, cls in _classes():
        methods = _methods(cls)
        for function in methods.values():
            for signal, slot in _connections(function):
                if signal.attr not in CHECKED_SIGNALS or isinstance(slot, ast.Lambda):
                    continue
                where = f"{path.name}:{slot.lineno} {cls.name}: {ast.unparse(signal)}"
                if _is_self_attribute(slot):
                    assert isinstance(slot, ast.Attribute)
                    target = methods.get(slot.attr)
                    if target is None:
                        continue  # one of Qt's own slots (close, hide, accept): Qt matches it
                    if target.args.defaults:
                        offences.append(f"{where} -> {slot.attr}() has an optional argument")
                else:
                    offences.append(f"{where} -> {ast.unparse(slot)}: signature unknown here")
    assert offences == []


def test_widget_timers_name_the_widget_as_their_context() -> None:
    """``QTimer.singleShot(ms, callable)`` without a context object runs even after the widget
    is deleted; with the widget as context, Qt drops it with the widget."""
    widgets = _widget_classes()
    offences = []
    for path, cls in _classes():
        if not _is_widget(cls, widgets):
            continue
        for node in ast.walk(cls):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "singleShot"
                and not (len(node.args) == 3 and _is_self_name(node.args[1]))
            ):
                offences.append(f"{path.name}:{node.lineno} {cls.name}: {ast.unparse(node)}")
    assert offences == []


def _is_self_name(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"
