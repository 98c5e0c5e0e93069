"""Test-only start-up hook: the bytecode of what a module imports from its AnsiballZ payload is kept between tasks.

tests/conftest.py puts this folder on PYTHONPATH, and names the cache folder in $CONNECT_TEST_BYTECODE_CACHE, for
every process the tests start (playbook_runs.bytecode_cache_env). Ansible runs each module task as a new Python
process that imports the module and its module_utils from a zip file, where Python keeps no bytecode: every task
compiled the same sources again, about a third of its CPU time. The same source compiles to the same code object, so
zipimport's compile step is wrapped: a compiled source is kept in the cache folder under the hash of the Python
version and the source, and loaded from there with the file name of this run's zip (tracebacks name the payload as
they did). Nothing else changes: the same sources run, on the same Python and ansible-core; without the variable (a
user's run) this file does nothing."""

import hashlib
import marshal
import os
import sys
import zipimport

CACHE = os.environ.get("CONNECT_TEST_BYTECODE_CACHE")


def _with_filename(code, filename):
    """The code object (and the functions and classes it defines) with co_filename `filename`."""
    consts = tuple(_with_filename(c, filename) if isinstance(c, type(code)) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _install(compile_source, folder):
    tag = ("%s\0%s\0" % (sys.version, sys.flags.optimize)).encode()

    def cached_compile_source(pathname, source):
        path = os.path.join(folder, hashlib.sha256(tag + source).hexdigest())
        try:
            with open(path, "rb") as handle:
                return _with_filename(marshal.loads(handle.read()), pathname)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = compile_source(pathname, source)
        try:  # written whole, then renamed: a parallel task reads the complete file or none
            os.makedirs(folder, mode=0o700, exist_ok=True)
            partial = "%s.%d.tmp" % (path, os.getpid())
            with open(partial, "wb") as handle:
                handle.write(marshal.dumps(code))
            os.replace(partial, path)
        except OSError:
            pass
        return code

    zipimport._compile_source = cached_compile_source


if CACHE and callable(getattr(zipimport, "_compile_source", None)):
    _install(zipimport._compile_source, CACHE)
