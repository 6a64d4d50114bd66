"""No new process from the learner's code: a seccomp filter, installed before it is imported.

The lesson is greenlets in one process. A server that forks a child per connection, a
``multiprocessing`` pool, a ``subprocess`` that does the work: each would make the
exercise look concurrent, and a child that exits at once leaves no trace to find later. So
the runner asks the kernel (seccomp, unprivileged after ``PR_SET_NO_NEW_PRIVS``) to kill
the whole process, with SIGSYS, the moment it tries to create one: ``fork``, ``vfork``, and
``clone`` without ``CLONE_THREAD``. Threads may still be created (the grader counts and
fails them itself, with a better message); ``clone3`` answers ENOSYS, so that the C library
falls back to ``clone``, whose flags a filter can read. The grader sees the exit by SIGSYS
and says what happened (lab.grading.engine).

Linux on x86-64 and aarch64; elsewhere ``forbid`` returns False and the grader falls back to
watching the process's children from outside (lab.grading.process).
"""

from __future__ import annotations

import ctypes
import platform
import signal
import struct

KILLED_BY = signal.SIGSYS  # how a process that tried to fork ends

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_ENOSYS = 38
_CLONE_THREAD = 0x00010000
# BPF opcodes: load a word of seccomp_data, jump if equal / if bits set, return
_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_X32_SYSCALL_BIT = 0x40000000
_ARCH_OFFSET, _NR_OFFSET, _ARG0_OFFSET = 4, 0, 16  # seccomp_data fields (little-endian)

# audit arch, and the syscalls: {name: number}; aarch64 has no fork/vfork syscall
_ARCHES = {
    "x86_64": (0xC000003E, {"clone": 56, "fork": 57, "vfork": 58, "clone3": 435}),
    "aarch64": (0xC00000B7, {"clone": 220, "clone3": 435}),
}


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(code: int, k: int, yes: int, no: int) -> bytes:
    return struct.pack("HBBI", code, yes, no, k)


def program(arch: str) -> list[bytes]:
    """The filter for ``arch`` (``platform.machine()``), as BPF instructions."""
    audit, nr = _ARCHES[arch]
    prog = [
        _stmt(_LD, _ARCH_OFFSET),
        _jump(_JEQ, audit, 1, 0),
        _stmt(_RET, _RET_KILL_PROCESS),  # another ABI (x32, i386): nothing to allow there
        _stmt(_LD, _NR_OFFSET),
        _jump(_JGE, _X32_SYSCALL_BIT, 0, 1),  # x32's numbering: refuse it whole
        _stmt(_RET, _RET_KILL_PROCESS),
        _jump(_JEQ, nr["clone3"], 0, 1),
        _stmt(_RET, _RET_ERRNO | _ENOSYS),
    ]
    for name in ("fork", "vfork"):
        if name in nr:
            prog += [_jump(_JEQ, nr[name], 0, 1), _stmt(_RET, _RET_KILL_PROCESS)]
    prog += [
        _jump(_JEQ, nr["clone"], 1, 0),
        _stmt(_RET, _RET_ALLOW),
        _stmt(_LD, _ARG0_OFFSET),  # clone's flags (their low 32 bits)
        _jump(_JSET, _CLONE_THREAD, 0, 1),
        _stmt(_RET, _RET_ALLOW),
        _stmt(_RET, _RET_KILL_PROCESS),
    ]
    return prog


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid() -> bool:
    """Install the filter in this process (for good); False when it cannot be done here."""
    arch = platform.machine()
    if arch not in _ARCHES:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    code = b"".join(program(arch))
    buffer = ctypes.create_string_buffer(code)
    fprog = _Fprog(len(code) // 8, ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
