# glibc's mallopt() parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def tune_malloc():
{%- if keras %}
    """Keep glibc from trimming the heap after each batch, and give each big array a mapping.

    By default glibc trims the heap as soon as its free top grows, so freed buffers fault
    their pages in again on the next batch. The mmap threshold stays at 16 MiB: Keras
    copies each data array it is given, and TensorFlow shares the copy only when it sits
    on a 64-byte boundary, else copies it once more; a copy carved from the heap lands
    there by chance (peak memory flipping by ~110 MB between runs), a mapped one never
    does. The same as `MALLOC_MMAP_THRESHOLD_=16777216` and a trim threshold of "never"
    in the environment; a threshold set there or in GLIBC_TUNABLES wins. Not glibc: no-op.
    """
{%- else %}
    """Keep glibc from handing freed tensor buffers back to the kernel after each batch.

    By default glibc serves large blocks with mmap() and trims the heap as soon as its
    free top grows, so every batch's tensors fault their pages in again: a CPU epoch of a
    CNN takes millions of page faults more and seconds of system time. The same as
    `MALLOC_MMAP_THRESHOLD_=1073741824` and a trim threshold of "never" in the
    environment; a threshold set there or in GLIBC_TUNABLES wins. Not glibc: no-op.
    """
{%- endif %}
    if platform.libc_ver()[0] != "glibc":
        return
    libc = ctypes.CDLL(None)
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    for name, param, value in (
{%- if keras %}
        ("mmap_threshold", M_MMAP_THRESHOLD, 2**24),
{%- else %}
        ("mmap_threshold", M_MMAP_THRESHOLD, 2**30),
{%- endif %}
        ("trim_threshold", M_TRIM_THRESHOLD, -1),  # -1: never trim
    ):
        if f"MALLOC_{name.upper()}_" not in os.environ and name not in tunables:
            libc.mallopt(param, value)


tune_malloc()
