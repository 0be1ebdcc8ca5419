"""cloudpickle that keeps the file names of the code it carries by value.

cloudpickle writes every code object's file as "<dynamic-code>", so an error raised by a
material the scene defined, in a worker that took a snapshot of the scene, named no file:
"<dynamic-code>:21" instead of "scene.py:21". Kept, the error names the scene's line
wherever the block renders.
"""

from __future__ import annotations

import io
import pickle
import types
from collections import ChainMap
from typing import ClassVar

#: What cloudpickle writes instead of a code object's file.
_DYNAMIC = "<dynamic-code>"


def dumps(obj) -> bytes:
    """Return cloudpickle's bytes of ``obj``, code objects keeping their file names."""
    import cloudpickle  # a worker's first load of a scene that defines code pays for it
    from cloudpickle import cloudpickle as internals

    reduce = getattr(internals, "_code_reduce", None)
    if reduce is None:  # another cloudpickle: its own names
        return cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)

    def keep_file(code: types.CodeType):
        make, args = reduce(code)
        return make, tuple(code.co_filename if _dynamic(a) else a for a in args)

    class Pickler(cloudpickle.Pickler):  # the table is read when a pickler is made
        dispatch_table: ClassVar = ChainMap(
            {types.CodeType: keep_file}, cloudpickle.Pickler.dispatch_table
        )

    buffer = io.BytesIO()
    Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


def _dynamic(value) -> bool:
    return isinstance(value, str) and value == _DYNAMIC
