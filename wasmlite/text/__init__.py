"""The WebAssembly text format: WAT modules, WAST scripts, and printing modules as WAT."""

from .parser import parse_module
from .printer import print_module
from .script import parse_script

__all__ = ["parse_module", "parse_script", "print_module"]
