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
