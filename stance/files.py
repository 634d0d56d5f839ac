"""Write files so that an interrupted run never leaves a half-written one, and nothing
the user did not ask to replace is replaced.

* A file or folder is written under a temporary name beside its target and renamed
  into place on success only. The existence check (without ``--force``) is made
  again at that moment, with a rename that fails if the target appeared meanwhile.
* A folder replaces an old one in one atomic exchange (Linux ``renameat2``), so at
  every moment the old or the new folder is complete; where the exchange is not
  available, the old folder is moved aside first and a later run puts it back
  if the swap was killed half-way (:func:`recover_leftovers`).
* A device or pipe (``/dev/stdout``, ``/dev/null``) is written through, and a
  symbolic link is followed: the file it points to is replaced, the link stays.
* :func:`check_output` refuses, before any work, an output that is (or holds) an
  input, or that cannot be written.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stance.errors import OutputError, OutputExistsError

_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextmanager
def atomic_path(target: str | Path, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success only.

    A device or pipe is yielded itself (written through: nothing is replaced)."""
    target = Path(target)
    real = Path(os.path.realpath(target))
    if _is_special(real):
        with _output_errors(target, real):
            yield real
        return
    if real.is_dir():
        raise OutputError(f"{target} is a folder; give a file name.")
    if real.exists() and not force:
        raise _exists(target)
    mode = stat.S_IMODE(real.stat().st_mode) if real.exists() else _default_mode(0o666)
    with _output_errors(target, real):
        real.parent.mkdir(parents=True, exist_ok=True)
        recover_leftovers(real)
        fd, name = tempfile.mkstemp(prefix=_temporary_prefix(real), suffix=".tmp", dir=real.parent)
        os.close(fd)
    tmp = Path(name)
    try:
        with _output_errors(target, tmp):
            yield tmp
            os.chmod(tmp, mode)
            _rename_into_place(tmp, real, target, force)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(target: str | Path, text: str, force: bool = True) -> None:
    with atomic_path(target, force) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)


@contextmanager
def atomic_folder(target: str | Path, force: bool = False, marker: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder; on success it takes the place of ``target`` atomically.

    With ``force`` an existing ``target`` is replaced, but only if it is empty or
    holds a file matching ``marker`` (a folder this tool wrote), so ``--force``
    never deletes a folder of other files.
    """
    target = Path(target)
    real = Path(os.path.realpath(target))
    with _output_errors(target, real):
        recover_leftovers(real)
    check_replaceable(target, force, marker)
    with _output_errors(target, real):
        real.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=_temporary_prefix(real), suffix=".tmp", dir=real.parent))
    try:
        with _output_errors(target, tmp):
            yield tmp
            os.chmod(tmp, _default_mode(0o777))
            for child in tmp.iterdir():
                os.chmod(child, _default_mode(0o777 if child.is_dir() else 0o666))
            check_replaceable(target, force, marker, during_run=True)  # again: it may have appeared during the run
            _swap_folder(tmp, real, target, force)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def check_replaceable(target: str | Path, force: bool, marker: str | None = None, during_run: bool = False) -> None:
    """Refuse to replace ``target`` without ``force``, or a folder of other files with it."""
    target = Path(target)
    real = Path(os.path.realpath(target))
    if not os.path.lexists(real):
        return
    if not force:
        raise _exists(target, during_run)
    if real.is_dir() and marker is not None and any(real.iterdir()) and not any(real.glob(marker)):
        raise OutputError(
            f"{target} holds other files, not the output of this command (no {marker}); --force replaces only "
            "a folder stance wrote. Choose another --out, or empty the folder yourself."
        )
    if not real.is_dir() and marker is not None:
        raise OutputError(f"{target} is a file, not a folder; choose another --out.")


def check_output(
    target: str | Path, force: bool, inputs: Iterable[str | Path | None] = (), option: str = "--out", marker: str | None = None
) -> None:
    """Before any work: refuse an output that is or holds one of ``inputs``, that
    exists (without ``force``), or whose folder cannot be written."""
    target = Path(target)
    real = Path(os.path.realpath(target))
    for item in inputs:
        if item is None or str(item) == "-":
            continue
        source = Path(os.path.realpath(item))
        if real == source or real in source.parents:
            raise OutputError(
                f"{option} {target} is (or holds) the input {item}: writing it would destroy the input. Choose another {option}."
            )
    if _is_special(real):
        return
    check_replaceable(target, force, marker)
    existing = next(p for p in (real, *real.parents) if p.exists())
    folder = existing if existing != real or existing.is_dir() else existing.parent
    if not folder.is_dir():
        raise OutputError(f"{option} {target}: {folder} is a file, not a folder; choose another {option}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {target}: cannot write in {folder} (permission denied); choose another {option}.")


def recover_leftovers(target: str | Path) -> None:
    """Clean up after runs that were killed while writing ``target``.

    A folder moved aside (``.NAME.old-PID``) comes back when ``target`` is missing
    (the run died between the two renames); temporary files and folders of runs
    that are no longer alive are deleted. Anything of a live run is left alone."""
    target = Path(target)
    for leftover in sorted(target.parent.glob(f".{glob.escape(target.name)}.*")):
        pid = _owner(leftover.name, target.name)
        if pid is None or _alive(pid):
            continue
        if leftover.name.startswith(f".{target.name}.old-") and not os.path.lexists(target):
            os.rename(leftover, target)
        elif leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _swap_folder(tmp: Path, real: Path, target: Path, force: bool) -> None:
    """Put the folder ``tmp`` at ``real``: with ``force``, in one atomic exchange with the
    old folder (deleted afterwards); else with a rename that refuses to replace."""
    if not (force and os.path.lexists(real)):
        _rename_into_place(tmp, real, target, force)
        return
    if _renameat2(tmp, real, _RENAME_EXCHANGE):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old folder
        return
    old = real.with_name(f".{real.name}.old-{os.getpid()}")  # put back by recover_leftovers if killed here
    os.replace(real, old)
    os.replace(tmp, real)
    shutil.rmtree(old, ignore_errors=True)


def _rename_into_place(tmp: Path, real: Path, target: Path, force: bool) -> None:
    """Rename ``tmp`` to ``real``; without ``force`` the rename itself fails if ``real``
    exists, so an output created during the run is never replaced."""
    if force:
        os.replace(tmp, real)
        return
    try:
        if _renameat2(tmp, real, _RENAME_NOREPLACE):
            return
        if tmp.is_dir():
            os.rename(tmp, real)  # fails on a folder that is not empty
        else:
            _link_new(tmp, real)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
            raise _exists(target, during_run=True) from exc
        raise


def _link_new(tmp: Path, real: Path) -> None:
    """Give the file ``tmp`` the name ``real`` unless that exists (a hard link fails then)."""
    try:
        os.link(tmp, real)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(real):  # a filesystem without hard links: checked, then renamed
            raise FileExistsError(errno.EEXIST, "exists", str(real)) from exc
        os.replace(tmp, real)
        return
    tmp.unlink()


def _renameat2(source: Path, destination: Path, flags: int) -> bool:
    """Linux ``renameat2``; False where the system or filesystem does not offer it."""
    function = _libc_renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(destination))


def _libc_renameat2():
    if not hasattr(_libc_renameat2, "function"):
        try:
            _libc_renameat2.function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
        except OSError:
            _libc_renameat2.function = None
    return _libc_renameat2.function


def _temporary_prefix(real: Path) -> str:
    return f".{real.name}.{os.getpid()}."


def _owner(name: str, target_name: str) -> int | None:
    """The process id in a temporary name this module made, or None."""
    rest = name[len(target_name) + 2 :]
    match = re.fullmatch(r"old-(\d+)|(\d+)\..+\.tmp", rest)
    return int(match.group(1) or match.group(2)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_special(path: Path) -> bool:
    """A device, pipe or socket: written through, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _exists(target: Path, during_run: bool = False) -> OutputExistsError:
    when = " (it was created while this command ran)" if during_run else ""
    return OutputExistsError(f"{target} exists{when}; pass --force to replace it or choose another --out.")


@contextmanager
def _output_errors(target: Path, ours: Path) -> Iterator[None]:
    """An OS error while writing ``ours`` (the temporary path or the target) as a
    message about ``target`` that says what to do; other errors pass unchanged."""
    try:
        yield
    except OutputExistsError:
        raise
    except OSError as exc:
        if exc.filename is not None and not _names_output(Path(exc.filename), target, ours):
            raise
        raise OutputError(
            f"{target}: cannot write it ({exc.strerror or exc}); check the folder's permissions and free space, or choose another --out."
        ) from exc


def _names_output(name: Path, target: Path, ours: Path) -> bool:
    """Whether an error's file name is the output: the target, its temporary path (or a
    file inside it, or a sibling temporary name), or a folder on the way to it."""
    temporary = name.parent == ours.parent and name.name.startswith(f".{Path(os.path.realpath(target)).name}.")
    return name in (ours, target, *ours.parents) or ours in name.parents or temporary


def _default_mode(base: int) -> int:
    """Permissions a plainly created file would get (temp files are private by default)."""
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask & (stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
