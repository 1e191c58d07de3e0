"""What compiled code depends on besides the module, computed without importing llvmlite.

The compile cache keys entries on it; importing llvmlite and starting LLVM only to build
the key would cost a cache hit most of what the cache saves. The installed llvmlite
(which bundles LLVM) is identified by its shared library's path, size and modification
time, the host CPU by the kernel's description of it (model and feature flags), which
determine LLVM's `get_host_cpu_name`/`get_host_cpu_features`.
"""

from __future__ import annotations

import functools
import importlib.util
import os

from ...disk_cache import hex_digest


def _llvmlite_identity() -> str:
    spec = importlib.util.find_spec("llvmlite")
    if spec is None or not spec.submodule_search_locations:
        return "no-llvmlite"
    root = list(spec.submodule_search_locations)[0]
    lib = os.path.join(root, "binding", "libllvmlite.so")
    try:
        st = os.stat(lib)
    except OSError:
        return root
    return f"{lib}:{st.st_size}:{st.st_mtime_ns}"


def _cpu_identity() -> str:
    wanted = ("vendor_id", "cpu family", "model", "model name", "flags")
    seen: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor is enough: all run the same code
                name, _, value = line.partition(":")
                name = name.strip()
                if name in wanted:
                    seen[name] = value.strip()
    except OSError:
        pass
    return hex_digest(repr(sorted(seen.items())).encode())


@functools.cache
def target_key() -> str:
    return "|".join([_llvmlite_identity(), os.uname().machine, _cpu_identity()])
