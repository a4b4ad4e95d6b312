"""callscale from Python: run an experiment and read results.csv's rows, over libcallscale.so.

    import callscale
    rows = callscale.run("experiments/chen2024_two_level.ini", overrides=["experiment.queries=1e4"])
    rows = callscale.exact("[population.a]\\np_correct = 0.7\\n")   # the text of a file works too
    frame = callscale.run(path, as_frame=True)                      # with pandas installed
    rows = callscale.clock("experiments/queueing.ini")               # latency.csv's rows

Standard library only (ctypes); errors raise callscale.Error with the program's message.
"""
import ctypes
import os

__all__ = ["Error", "run", "exact", "optimize", "clock", "version", "library_path"]


class Error(Exception):
    """A bad experiment or a failed run: str(e) is the line the callscale program prints."""

    def __init__(self, message, code=0, file="", line=0):
        super().__init__(message)
        self.code, self.file, self.line = code, file, line


_SONAME = "libcallscale.so.0"


def _candidates():
    """Where the shared library may be, most specific first."""
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("CALLSCALE_LIBRARY")
    if env:
        yield env
    # the build tree: python/callscale/ next to build/
    yield os.path.join(here, "..", "..", "build", "libcallscale.so")
    # installed: PREFIX/lib/python3*/dist-packages/callscale/ beside PREFIX/lib/
    yield os.path.join(here, "..", "..", "..", _SONAME)
    yield _SONAME  # wherever the dynamic loader finds it


def _open():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("callscale: cannot find %s; tried: %s (set CALLSCALE_LIBRARY)"
                      % (_SONAME, "; ".join(tried)))


_lib, library_path = _open()
library_path = os.path.normpath(library_path) if os.sep in library_path else library_path

_p, _sz, _str = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype, f.argtypes = restype, list(argtypes)
    return f


_error_alloc = _fn("cs_error_alloc", _p)
_error_free = _fn("cs_error_free", None, _p)
_error_code = _fn("cs_error_code", ctypes.c_int, _p)
_error_file = _fn("cs_error_file", _str, _p)
_error_line = _fn("cs_error_line", ctypes.c_int, _p)
_error_format = _fn("cs_error_format", _sz, _p, ctypes.c_char_p, _sz)
_version = _fn("cs_version", _str)
_load = _fn("cs_study_load", _p, _str, ctypes.POINTER(_str), _sz, _p)
_load_text = _fn("cs_study_load_text", _p, _str, _str, _sz, ctypes.POINTER(_str), _sz, _p)
_study_free = _fn("cs_study_free", None, _p)
_study_run = _fn("cs_study_run", _p, _p, ctypes.c_int, _p)
_study_exact = _fn("cs_study_exact", _p, _p, _p)
_study_optimize = _fn("cs_study_optimize", _p, _p, ctypes.c_int, _sz, _str, _p)
_table_csv = _fn("cs_table_csv", _sz, _p, ctypes.c_char_p, _sz)
_table_free = _fn("cs_table_free", None, _p)
_frontier_csv = _fn("cs_frontier_csv", _sz, _p, ctypes.c_char_p, _sz)
_frontier_free = _fn("cs_frontier_free", None, _p)
_study_clock = _fn("cs_study_clock", _p, _p, ctypes.c_int, _p)
_clock_csv = _fn("cs_clock_table_csv", _sz, _p, ctypes.c_char_p, _sz)
_clock_free = _fn("cs_clock_table_free", None, _p)


def version():
    """The library's version, as `callscale --version` prints it."""
    return _version().decode()


def _raise(err):
    n = _error_format(err, None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    _error_format(err, buf, n + 1)
    raise Error(buf.value.decode(errors="replace"), _error_code(err),
                _error_file(err).decode(errors="replace"), _error_line(err))


def _is_text(experiment):
    """Text of an experiment file, rather than a path to one: bytes, or a str that holds a line
    break or starts with a [section]."""
    if isinstance(experiment, (bytes, bytearray)):
        return True
    if isinstance(experiment, os.PathLike):
        return False
    return "\n" in experiment or experiment.lstrip().startswith("[")


def _with_study(experiment, overrides, err, body):
    overrides = [str(o).encode() for o in (overrides or [])]
    sets = (_str * max(len(overrides), 1))(*overrides)
    if _is_text(experiment):
        text = experiment if isinstance(experiment, (bytes, bytearray)) else experiment.encode()
        study = _load_text(b"<string>", bytes(text), len(text), sets, len(overrides), err)
    else:
        study = _load(os.fsencode(experiment), sets, len(overrides), err)
    if not study:
        _raise(err)
    try:
        return body(study)
    finally:
        _study_free(study)


def _text(obj, csv, free):
    try:
        n = csv(obj, None, 0)
        buf = ctypes.create_string_buffer(n + 1)
        csv(obj, buf, n + 1)
        return buf.value.decode()
    finally:
        free(obj)


_STRINGS = {"strategy", "setting", "bin"}
_INTEGERS = {"budget", "queries"}


def _rows(text, as_frame):
    lines = text.splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        row = {}
        for key, value in zip(header, line.split(",")):
            if key in _STRINGS:
                row[key] = value
            elif key in _INTEGERS:
                row[key] = int(value)
            elif value == "":
                row[key] = None  # latency.csv's slo_attained without an slo
            else:
                row[key] = float(value)
        rows.append(row)
    if as_frame:
        import pandas  # optional: only as_frame needs it
        return pandas.DataFrame(rows, columns=header)
    return rows


def _call(experiment, overrides, as_frame, compute, csv, free):
    err = _error_alloc()
    if not err:
        raise MemoryError("callscale: out of memory")
    try:
        def body(study):
            obj = compute(study, err)
            if not obj:
                _raise(err)
            return _text(obj, csv, free)
        return _rows(_with_study(experiment, overrides, err, body), as_frame)
    finally:
        _error_free(err)


def _threads(threads):
    return 0 if threads is None else int(threads)


def run(experiment, overrides=None, threads=None, as_frame=False):
    """Monte Carlo: results.csv's rows as dicts (numbers as numbers), or a pandas DataFrame.

    experiment: a path, or the text of an experiment file. overrides: "section.key=value"
    strings, as --set. threads: None for one per core; the rows are the same for any count."""
    return _call(experiment, overrides, as_frame,
                 lambda st, err: _study_run(st, _threads(threads), err), _table_csv, _table_free)


def exact(experiment, overrides=None, as_frame=False):
    """Exact curves where the mathematics allows (callscale exact): results.csv's rows."""
    return _call(experiment, overrides, as_frame, _study_exact, _table_csv, _table_free)


def optimize(experiment, overrides=None, threads=None, predictor=None, baseline=None,
             as_frame=False):
    """The compute-optimal planner (callscale optimize): frontier.csv's rows."""
    base = baseline.encode() if baseline else None
    return _call(experiment, overrides, as_frame,
                 lambda st, err: _study_optimize(st, _threads(threads), predictor or 0, base, err),
                 _frontier_csv, _frontier_free)


def clock(experiment, overrides=None, threads=None, as_frame=False):
    """The serving clock of an experiment with [serving]: latency.csv's rows (slo_attained is
    None without an slo). The rows are the same for any thread count."""
    return _call(experiment, overrides, as_frame,
                 lambda st, err: _study_clock(st, _threads(threads), err), _clock_csv, _clock_free)
