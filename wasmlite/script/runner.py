"""Runs WAST scripts (the spec testsuite's format) command by command against an engine.

Without an engine (`engine_name=None`) the front-end commands still run (modules decode and
validate, `assert_malformed`/`assert_invalid` are checked) and every command that needs
execution is reported as skipped, never as passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import (
    DecodeError,
    Exhaustion,
    LinkError,
    ModuleError,
    ParseError,
    Trap,
    ValidationError,
    WasmError,
)
from ..model import Module
from ..runtime.threads import run_with_big_stack  # noqa: F401  (re-exported: callers know it from here)
from ..text import script as wast
from .results import FAILED, PASSED, SKIPPED, CommandResult
from .values import describe, matches, to_raw

NO_ENGINE = "no engine selected (front-end checks only)"


class ScriptRunner:
    """State of one script run: the current module instance and the registered ones."""

    def __init__(self, filename: str, engine_name: str | None):
        self.filename = filename
        self.engine_name = engine_name
        self.engine: Any = None
        if engine_name is not None:
            from ..engines import get_engine

            self.engine = get_engine(engine_name)
        self.registry: dict[str, Any] = {}  # name -> instance (for imports)
        self.named: dict[str, Any] = {}  # `$id` -> instance
        self.current: Any = None
        self.results: list[CommandResult] = []
        self.store: Any = None
        if self.engine is not None:
            from ..runtime.spectest import make_spectest
            from ..runtime.store import Store

            self.store = Store(self.engine)
            self.registry["spectest"] = make_spectest(self.store)

    # -- outcome recording -------------------------------------------------------------

    def _record(self, cmd: Any, kind: str, outcome: str, message: str = "") -> None:
        self.results.append(CommandResult(self.filename, cmd.line, kind, outcome, message))

    # -- modules -------------------------------------------------------------------------

    @staticmethod
    def _build(cmd: wast.ModuleCommand) -> Module:
        if cmd.module is not None:
            return cmd.module
        if cmd.binary is not None:
            from ..binary import decode_module

            return decode_module(cmd.binary)
        from ..text import parse_module

        return parse_module(cmd.quote or "")

    def _load(self, cmd: wast.ModuleCommand) -> Module:
        from ..validate import validate_module

        module = self._build(cmd)
        validate_module(module)
        return module

    def _instantiate(self, module: Module) -> Any:
        compiled = self.engine.compile(module)
        imports = [self._resolve_import(imp) for imp in module.imports]
        return compiled.instantiate(self.store, imports)

    def _resolve_import(self, imp: Any) -> Any:
        instance = self.registry.get(imp.module)
        exports = instance.exports if instance is not None else {}
        if imp.name not in exports:
            raise LinkError(f"unknown import {imp.module!r} {imp.name!r}")
        return exports[imp.name]

    def _instance(self, name: str | None) -> Any:
        instance = self.named.get(name) if name else self.current
        if instance is None:
            raise WasmError(f"unknown module {name or '(current)'}")
        return instance

    # -- actions ---------------------------------------------------------------------------

    def _perform(self, action: Any) -> list[Any]:
        instance = self._instance(action.module_name)
        if action.field not in instance.exports:
            raise WasmError(f"unknown export {action.field!r}")
        target = instance.exports[action.field]
        if isinstance(action, wast.Get):
            return [target.value]
        args = [to_raw(v, self.store) for v in action.args]
        return list(target.call(args))

    # -- commands --------------------------------------------------------------------------

    def run(self, commands: list[Any]) -> list[CommandResult]:
        for cmd in commands:
            handler: Callable[[Any], None] = getattr(self, f"_cmd_{type(cmd).__name__}")
            try:
                handler(cmd)
            except (Trap, WasmError) as e:
                self._record(cmd, _kind(cmd), FAILED, f"unexpected error: {_first_line(e)}")
            except RecursionError:
                self._record(cmd, _kind(cmd), FAILED, "internal error: RecursionError escaped")
            except Exception as e:  # an internal bug: report it, keep going
                self._record(cmd, _kind(cmd), FAILED, f"internal error: {type(e).__name__}: {e}")
        return self.results

    def _cmd_ModuleCommand(self, cmd: wast.ModuleCommand) -> None:
        module = self._load(cmd)
        if self.engine is None:
            self.current = None
            self._record(cmd, "module", PASSED, "decoded and validated")
            return
        instance = self._instantiate(module)
        self.current = instance
        if cmd.name:
            self.named[cmd.name] = instance
        self._record(cmd, "module", PASSED)

    def _cmd_Register(self, cmd: wast.Register) -> None:
        if self.engine is None:
            self._record(cmd, "register", SKIPPED, NO_ENGINE)
            return
        self.registry[cmd.as_name] = self._instance(cmd.module_name)
        self._record(cmd, "register", PASSED)

    def _action_command(self, cmd: Any, kind: str) -> bool:
        """True if the command can run; otherwise records it as skipped."""
        if self.engine is None:
            self._record(cmd, kind, SKIPPED, NO_ENGINE)
            return False
        return True

    def _cmd_Invoke(self, cmd: Any) -> None:
        if self._action_command(cmd, "invoke"):
            self._perform(cmd)
            self._record(cmd, "invoke", PASSED)

    _cmd_Get = _cmd_Invoke

    def _cmd_AssertReturn(self, cmd: wast.AssertReturn) -> None:
        if not self._action_command(cmd, "assert_return"):
            return
        actual = self._perform(cmd.action)
        expected = cmd.expected
        ok = len(actual) == len(expected) and all(matches(e, a) for e, a in zip(expected, actual))
        if ok:
            self._record(cmd, "assert_return", PASSED)
        else:
            got = ", ".join(describe(a) for a in actual)
            self._record(cmd, "assert_return", FAILED, f"got [{got}], expected {expected}")

    def _expect_trap(
        self, cmd: Any, kind: str, run: Callable[[], object], cls: type = Trap
    ) -> None:
        try:
            run()
        except cls as e:
            self._record_message(cmd, kind, e, cmd.message)
            return
        self._record(cmd, kind, FAILED, f"expected {cls.__name__} {cmd.message!r}, got none")

    def _cmd_AssertTrap(self, cmd: wast.AssertTrap) -> None:
        if not self._action_command(cmd, "assert_trap"):
            return
        target = cmd.action_or_module
        if isinstance(target, wast.ModuleCommand):
            self._expect_trap(cmd, "assert_trap", lambda: self._instantiate(self._load(target)))
        else:
            self._expect_trap(cmd, "assert_trap", lambda: self._perform(target))

    def _cmd_AssertExhaustion(self, cmd: wast.AssertExhaustion) -> None:
        if self._action_command(cmd, "assert_exhaustion"):
            self._expect_trap(
                cmd, "assert_exhaustion", lambda: self._perform(cmd.action), Exhaustion
            )

    def _cmd_AssertUninstantiable(self, cmd: Any) -> None:
        if self._action_command(cmd, "assert_uninstantiable"):
            self._expect_trap(
                cmd, "assert_uninstantiable", lambda: self._instantiate(self._load(cmd.module))
            )

    def _cmd_AssertUnlinkable(self, cmd: Any) -> None:
        if not self._action_command(cmd, "assert_unlinkable"):
            return
        module = self._load(cmd.module)
        self._expect_error(
            cmd, "assert_unlinkable", lambda: self._instantiate(module), (LinkError,)
        )

    def _cmd_AssertMalformed(self, cmd: Any) -> None:
        self._expect_error(
            cmd, "assert_malformed", lambda: self._build(cmd.module), (DecodeError, ParseError)
        )

    def _cmd_AssertInvalid(self, cmd: Any) -> None:
        self._expect_error(
            cmd, "assert_invalid", lambda: self._load(cmd.module), (ValidationError,)
        )

    def _expect_error(
        self, cmd: Any, kind: str, run: Callable[[], object], classes: tuple[type, ...]
    ) -> None:
        try:
            run()
        except classes as e:
            self._record_message(cmd, kind, e, cmd.message)
            return
        except ModuleError as e:
            self._record(
                cmd,
                kind,
                FAILED,
                f"expected {classes[0].__name__} {cmd.message!r}, got {type(e).__name__}: {_first_line(e)}",
            )
            return
        self._record(
            cmd,
            kind,
            FAILED,
            f"expected {classes[0].__name__} {cmd.message!r}, module was accepted",
        )

    def _record_message(self, cmd: Any, kind: str, error: Exception, expected: str) -> None:
        message = getattr(error, "message", str(error))
        if expected in message or message.startswith(expected):
            self._record(cmd, kind, PASSED)
        else:
            self._record(cmd, kind, FAILED, f"expected message {expected!r}, got {message!r}")


def _kind(cmd: Any) -> str:
    name = type(cmd).__name__
    if name == "ModuleCommand":
        return "module"
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _first_line(e: BaseException) -> str:
    return str(e).split("\n", 1)[0]


def run_script_file(path: str, engine_name: str | None) -> list[CommandResult]:
    """Parse and run one .wast file; a script that does not parse is one failed command."""
    from ..text import parse_script

    with open(path, encoding="utf-8") as f:
        source = f.read()
    try:
        commands = parse_script(source, path)
    except WasmError as e:
        return [
            CommandResult(
                path, getattr(e, "line", 0) or 0, "script", FAILED, f"script does not parse: {e}"
            )
        ]
    return ScriptRunner(path, engine_name).run(commands)
