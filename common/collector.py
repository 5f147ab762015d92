"""Python's cycle collector paused while a view or a computation builds many objects that all live until it
returns (the compliance review of 300 councils × 4 quarters: ~100,000), none of them in a cycle. Each full
pass of the collector walks every object of the process, and such work triggers several: a third of the
review's time, for nothing to free. What there is to collect is collected after.

    @collector.paused()
    def review(...): ...

Nested pauses are fine: only the outermost one turns the collector back on. The pause is the process's, so
it is kept for work that takes well under a second.
"""

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
