# glibc's mallopt() parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def tune_malloc():
    """Keep glibc from handing freed tensor buffers back to the kernel after each batch.

    By default glibc serves large blocks with mmap() and trims the heap as soon as its
    free top grows, so every batch's tensors fault their pages in again: a CPU epoch of a
    CNN takes millions of page faults more and seconds of system time. The same as
    `MALLOC_MMAP_THRESHOLD_=1073741824` and a trim threshold of "never" in the
    environment; a threshold set there or in GLIBC_TUNABLES wins. Not glibc: no-op.
    """
    if platform.libc_ver()[0] != "glibc":
        return
    libc = ctypes.CDLL(None)
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    for name, param, value in (
        ("mmap_threshold", M_MMAP_THRESHOLD, 2**30),
        ("trim_threshold", M_TRIM_THRESHOLD, -1),  # -1: never trim
    ):
        if f"MALLOC_{name.upper()}_" not in os.environ and name not in tunables:
            libc.mallopt(param, value)


tune_malloc()
