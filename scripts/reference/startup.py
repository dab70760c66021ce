"""Process set-up of the reference scripts that must precede the framework imports.

scripts/TRAINING_CONTRACT.md §2.1, exactly as the generated scripts do it: glibc's
malloc is tuned before torch or TensorFlow allocate anything, and TensorFlow is imported
with its start-up log lines filtered out of stderr.
"""

import contextlib
import ctypes
import os
import platform
import re
import signal
import sys

# glibc's mallopt() parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def tune_malloc(mmap_threshold):
    """Keep glibc from trimming the heap after each batch; map blocks of mmap_threshold.

    By default glibc serves large blocks with mmap() and trims the heap as soon as its
    free top grows, so every batch's tensors fault their pages in again: a CPU epoch of a
    CNN takes millions of page faults more and seconds of system time. PyTorch: 1 GiB, so
    freed tensor buffers stay in the heap. TensorFlow: 16 MiB, so that the copies Keras
    makes of the data arrays are mapped (a heap copy is shared or copied once more by the
    luck of its address, and peak memory flips by ~110 MB). The same as
    `MALLOC_MMAP_THRESHOLD_` and a trim threshold of "never" in the environment; a
    threshold set there or in GLIBC_TUNABLES wins. Not glibc: no-op.
    """
    if platform.libc_ver()[0] != "glibc":
        return
    libc = ctypes.CDLL(None)
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    for name, param, value in (
        ("mmap_threshold", M_MMAP_THRESHOLD, mmap_threshold),
        ("trim_threshold", M_TRIM_THRESHOLD, -1),  # -1: never trim
    ):
        if f"MALLOC_{name.upper()}_" not in os.environ and name not in tunables:
            libc.mallopt(param, value)


# What TensorFlow writes to stderr while it loads, before TF_CPP_MIN_LOG_LEVEL applies:
# absl's notice that logging is not set up yet, and that oneDNN is on (as it should be).
STARTUP_NOISE = re.compile(
    rb"WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|.*port\.cc:\d+\] oneDNN custom operations are on\."
)


@contextlib.contextmanager
def startup_noise_filtered():
    """Drop the STARTUP_NOISE lines from what reaches stderr (fd 2) meanwhile.

    A forked child passes every other line on as it arrives, so that even the message of
    a native crash reaches stderr. Without os.fork() nothing is filtered.
    """
    if not hasattr(os, "fork"):
        yield
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: forward until the parent closes the pipe, then leave
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(write_end)
            with open(read_end, "rb") as pipe, open(2, "wb", closefd=False) as stderr:
                for line in pipe:
                    if not STARTUP_NOISE.match(line):
                        stderr.write(line)
                        stderr.flush()
        finally:
            os._exit(0)
    os.close(read_end)
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.waitpid(pid, 0)
