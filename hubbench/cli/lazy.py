"""A Typer group whose command modules are imported only when one of their commands is used.

`hubbench --help` lists every command from its one-line summary alone; `hubbench hub --help`,
`hubbench run …` import that command's module (and so its room) and nothing else. Each command module
keeps its ordinary shape: it exposes `register(app)`, called on a Typer of its own when first needed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """A command of the top-level group: its name, the module that registers it, its summary."""

    name: str
    module: str
    summary: str

    def load(self) -> Any:  # a Click command (Typer vendors Click from 0.2x on: no common public type)
        """The real command, as `register(app)` of its module declares it."""
        holder = typer.Typer()
        importlib.import_module(self.module).register(holder)
        return typer.main.get_group(holder).commands[self.name]


class _Placeholder(TyperCommand):
    """Stands for a command in listings until it is resolved."""

    def __init__(self, lazy: LazyCommand) -> None:
        super().__init__(name=lazy.name, help=lazy.summary)
        self.lazy = lazy


class LazyGroup(TyperGroup):
    """The top-level group: registered commands plus `LAZY_COMMANDS`, loaded on resolution."""

    lazy_commands: tuple[LazyCommand, ...] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for lazy in self.lazy_commands:
            self.commands.setdefault(lazy.name, _Placeholder(lazy))

    def resolve_command(
        self, ctx: Any, args: list[str]  # Typer's own (vendored) Click context
    ) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Placeholder):
            command = self.commands[name] = command.lazy.load()
        return name, command, rest


def lazy_group(commands: tuple[LazyCommand, ...]) -> type[LazyGroup]:
    """A `LazyGroup` class for `typer.Typer(cls=…)`, which takes a class, not an instance."""
    return type("HubbenchGroup", (LazyGroup,), {"lazy_commands": commands})
