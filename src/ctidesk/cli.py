"""Command line: `ctidesk` starts the tray; subcommands run headless tasks.

Every failure the user can fix is one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ctidesk.commands import bridge, dial, doctor, nfon, paths, phone, secret, sim
from ctidesk.config.errors import SettingsError
from ctidesk.config.secrets import SecretStoreUnavailable

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one actionable line instead of usage plus error."""

    def error(self, message: str) -> NoReturn:
        if "invalid choice" in message:
            bad = message.split("invalid choice: ", 1)[1].split(" ", 1)[0]
            message = f"unknown command {bad}; run `ctidesk --help` for the list of commands"
        else:
            message = f"{message}; run `{self.prog} --help` for usage"
        self.exit(2, f"ctidesk: {message}\n")


class _VersionAction(argparse.Action):
    """``--version``, reading the package metadata only when asked (it is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> NoReturn:
        from ctidesk import __version__

        print(f"ctidesk {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ctidesk",
        description="Caller pop-ups and phone control for support agents.",
        epilog="A tel:, callto: or sip: link in place of COMMAND is dialled, as by `ctidesk dial`.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--config", type=Path, help="settings file to use instead of the default")
    parser.add_argument("--demo", action="store_true", help="run on the embedded simulators")
    parser.add_argument("--self-check", action="store_true", help="check the installation, exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for command in (doctor, secret, paths, bridge, nfon, dial, phone, sim):
        command.register(commands)
    _describe_each_command(commands)
    return parser


def _describe_each_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``ctidesk COMMAND --help`` opens with the line ``ctidesk --help`` shows for it, unless the
    command has a longer description of its own."""
    for choice in commands._choices_actions:
        parser = commands.choices.get(choice.dest)
        if parser is not None and not parser.description and choice.help:
            parser.description = choice.help[:1].upper() + choice.help[1:] + "."


def dial_link_argv(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """``ctidesk tel:+4930123`` as the desktop entry (``Exec=ctidesk %u``) or a browser runs it,
    rewritten to ``ctidesk dial --start tel:+4930123`` (a clicked link starts ctidesk when it is
    not running yet); leading global options (``--config PATH``) stay in front. Any other
    command line comes back unchanged."""
    from ctidesk.gui.uri import is_dial_uri  # pure string functions, no Qt

    takes_value = {
        option
        for action in parser._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
    }
    args = list(argv)
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            if index + 1 < len(args) and is_dial_uri(args[index + 1]):
                return [*args[:index], "dial", "--start", args[index + 1], *args[index + 2 :]]
            return args
        if not token.startswith("-") or token == "-":
            if is_dial_uri(token):
                return [*args[:index], "dial", "--start", token, *args[index + 1 :]]
            return args
        if "=" not in token and _names_option(token, takes_value):
            index += 1  # skip the option's value
        index += 1
    return args


def _names_option(token: str, options: set[str]) -> bool:
    """Whether ``token`` is one of ``options`` or an unambiguous abbreviation argparse accepts."""
    if token in options:
        return True
    return token.startswith("--") and any(o.startswith(token) for o in options if len(token) > 2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = dial_link_argv(sys.argv[1:] if argv is None else argv, parser)
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    may_be_new = handler is None or getattr(args, "config_may_be_new", False)
    if args.config is not None and not may_be_new and not args.config.exists():
        return _missing_settings_file(args.config)
    try:
        if args.self_check:
            from ctidesk.commands.self_check import run_self_check

            return run_self_check()
        if handler is None:
            from ctidesk.commands import run_desktop

            return run_desktop(args)
        return handler(args)
    except SettingsError as exc:
        print(f"ctidesk: bad settings: {exc}", file=sys.stderr)
        return 2
    except SecretStoreUnavailable as exc:
        print(f"ctidesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _missing_settings_file(path: Path) -> int:
    """A mistyped ``--config`` must not quietly run on defaults. Only the tray app (and `dial`,
    which may start it) may start on a new file: its first-run setup creates it."""
    from ctidesk.config.paths import AppPaths

    print(
        f"ctidesk: the settings file {path} does not exist; check the path, or leave out "
        f"--config to use {AppPaths.default().settings_file} (`ctidesk --config {path}` "
        "without a command starts the setup, which creates it)",
        file=sys.stderr,
    )
    return 2
