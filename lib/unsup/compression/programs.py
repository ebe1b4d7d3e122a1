r"""Shortest programs in a tiny language, by brute force.

A program is a string over four instructions that act on an initially empty string ``s``:

``a`` appends ``"a"``; ``b`` appends ``"b"``; ``D`` doubles, ``s -> ss``; ``M`` mirrors,
``s -> s + reversed(s)``.

The tiny-language complexity :math:`K_{\text{tiny}}(x)` is the length of the shortest program
that outputs :math:`x`. It is computable here only because every program halts; the search
still has to try up to :math:`\sum_{\ell \le L} 4^\ell = (4^{L+1} - 1)/3` programs.
"""

from __future__ import annotations

import itertools

INSTRUCTIONS = "abDM"
MAX_SEARCH_LENGTH = 10


def run(program: str) -> str:
    """The output of ``program`` (see the module docstring for the instructions)."""
    s = ""
    for op in program:
        if op in "ab":
            s += op
        elif op == "D":
            s += s
        elif op == "M":
            s += s[::-1]
        else:
            raise ValueError(f"program may only use the instructions {INSTRUCTIONS!r}, got {op!r}")
    return s


def _check_length(max_length: int) -> None:
    if not (isinstance(max_length, int) and 0 <= max_length <= MAX_SEARCH_LENGTH):
        raise ValueError(f"max_length must be an integer in [0, {MAX_SEARCH_LENGTH}], "
                         f"got {max_length!r}")


def programs_up_to(max_length: int) -> int:
    r"""How many programs have at most ``max_length`` instructions: :math:`(4^{L+1} - 1) / 3`."""
    _check_length(max_length)
    return (4 ** (max_length + 1) - 1) // 3


def shortest_program(target: str, max_length: int) -> tuple[str | None, int]:
    """Search programs by increasing length.

    Returns the first program that prints ``target`` (None if there is none up to
    ``max_length``) and the number of programs tried.
    """
    _check_length(max_length)
    tried = 0
    for length in range(max_length + 1):
        for tokens in itertools.product(INSTRUCTIONS, repeat=length):
            tried += 1
            program = "".join(tokens)
            if run(program) == target:
                return program, tried
    return None, tried


def shortest_programs(max_length: int) -> dict[str, str]:
    """Each output of a program of at most ``max_length`` instructions -> its shortest program."""
    _check_length(max_length)
    best: dict[str, str] = {}
    for length in range(max_length + 1):
        for tokens in itertools.product(INSTRUCTIONS, repeat=length):
            program = "".join(tokens)
            best.setdefault(run(program), program)
    return best
