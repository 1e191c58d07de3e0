"""Module tools behind the `wasmlite` subcommands: objdump, inspect, strip, text<->binary
conversion and binfmt_misc registration. The CLI layer only parses flags and prints."""
