"""MLPerf `:::MLLOG` lines (the format of the `mlperf-logging` package) and the NCCL version
line, without any dependency: the same writer serves the PyTorch path and the pure-Python
fallback that tests the logging on machines without PyTorch."""

import json
import sys
import time

FILE = "torch-reference/train.py"


class Logger:
    """Writes `:::MLLOG {json}` lines to `out` (stdout by default); only rank 0 logs."""

    def __init__(self, enabled=True, out=None, clock=None):
        self.enabled = enabled
        self.out = out if out is not None else sys.stdout
        self.clock = clock if clock is not None else (lambda: int(time.time() * 1000))

    def point(self, key, value, metadata=None):
        self._write("POINT_IN_TIME", key, value, metadata)

    def start(self, key, metadata=None):
        self._write("INTERVAL_START", key, None, metadata)

    def end(self, key, metadata=None):
        self._write("INTERVAL_END", key, None, metadata)

    def _write(self, event_type, key, value, metadata):
        if not self.enabled:
            return
        meta = dict(metadata or {})
        meta.update({"file": FILE, "lineno": 0})
        line = {
            "namespace": "",
            "time_ms": self.clock(),
            "event_type": event_type,
            "key": key,
            "value": value,
            "metadata": meta,
        }
        self.out.write(":::MLLOG " + json.dumps(line, separators=(", ", ": ")) + "\n")
        self.out.flush()


def nccl_line(version, cuda):
    """NCCL's own start-up line: `NCCL version 2.28.9+cuda13.0`.

    `version` is what `torch.cuda.nccl.version()` returns: a tuple `(2, 28, 9)` in current
    PyTorch, an integer code (`22809`, or `2708` before NCCL 2.9) in older ones. `cuda` is
    `torch.version.cuda` (`"13.0"`)."""
    return "NCCL version {}+cuda{}".format(nccl_string(version), cuda)


def nccl_string(version):
    if isinstance(version, (tuple, list)):
        return ".".join(str(int(part)) for part in version[:3])
    code = int(version)
    if code >= 10000:
        return "{}.{}.{}".format(code // 10000, code % 10000 // 100, code % 100)
    return "{}.{}.{}".format(code // 1000, code % 1000 // 100, code % 100)
