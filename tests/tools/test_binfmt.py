"""binfmt_misc registration: the registration line, the launcher, and (when this machine
lets us) a live register/unregister round trip under a throwaway name."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from wasmlite.errors import WasmError
from wasmlite.tools import binfmt


def test_registration_line() -> None:
    line = binfmt.registration("/usr/local/bin/wasmlite-binfmt")
    assert line == (
        ":wasmlite:M::\\x00\\x61\\x73\\x6d\\x01\\x00\\x00\\x00:"
        "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff:/usr/local/bin/wasmlite-binfmt:"
    )


@pytest.mark.parametrize(("launcher", "name"), [("/x", "a:b"), ("/x", ""), ("/a:b", "wasmlite")])
def test_registration_rejects_bad_fields(launcher: str, name: str) -> None:
    with pytest.raises(WasmError):
        binfmt.registration(launcher, name)


def test_launcher_script_runs_wasmlite_with_opt_in_dirs(tmp_path: Path) -> None:
    path = tmp_path / "launcher"
    binfmt.write_launcher(str(path), python="/usr/bin/python3")
    text = path.read_text()
    assert text.startswith("#!/usr/bin/python3\n")
    assert "WASMLITE_DIRS" in text and '["run"]' in text
    assert os.access(path, os.X_OK)
    assert binfmt.is_our_launcher(str(path))
    compile(text, str(path), "exec")


def test_launcher_never_overwrites_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "someone-elses"
    path.write_text("#!/bin/sh\n")
    with pytest.raises(WasmError, match="not written by wasmlite"):
        binfmt.write_launcher(str(path))


def test_status_without_binfmt_misc(tmp_path: Path) -> None:
    st = binfmt.status("wasmlite", str(tmp_path))
    assert not st.available and not st.registered
    assert "not mounted" in st.describe()


def test_status_reads_the_entry(tmp_path: Path) -> None:
    (tmp_path / "register").write_text("")
    (tmp_path / "wasmlite").write_text("enabled\ninterpreter /x\n")
    st = binfmt.status("wasmlite", str(tmp_path))
    assert st.registered and st.enabled
    assert "registered, enabled" in st.describe()


def _live_skip_reason() -> str | None:
    register = os.path.join(binfmt.BINFMT_DIR, "register")
    if not os.path.exists(register):
        return f"binfmt_misc is not mounted at {binfmt.BINFMT_DIR}"
    if not os.access(register, os.W_OK):
        return f"{register} is not writable (needs root)"
    return None


@pytest.mark.skipif(_live_skip_reason() is not None, reason=str(_live_skip_reason()))
def test_live_install_status_uninstall(tmp_path: Path) -> None:
    name = f"wasmlite-test-{uuid.uuid4().hex[:8]}"
    launcher = str(tmp_path / "wasmlite-binfmt")
    try:
        binfmt.install(name, launcher)
        st = binfmt.status(name)
        assert st.registered and st.enabled
        assert "magic 0061736d01000000" in st.details
        assert f"interpreter {launcher}" in st.details
    finally:
        assert binfmt.uninstall(name, launcher)
    assert not binfmt.status(name).registered
    assert not os.path.exists(launcher)
