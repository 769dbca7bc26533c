"""Where protean-init may write: inside the project, never into .git/, never through a link.

Every path a transaction touches is a relative path below the project's real root whose
folders are real folders (a symlinked folder anywhere on the way is refused, whether it
points inside the project or out), so a planted `.github -> ../elsewhere` cannot make an
edit land outside the project. A refusal is one line, exit 2, and nothing is written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from scaffolder.errors import OutsideProject

# The one escape hatch, the user's (an environment variable), never the repository's.
FOLLOW_LINKS_ENV = "PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS"


def follow_outside_links() -> bool:
    return os.environ.get(FOLLOW_LINKS_ENV) == "1"


def relative_problem(relative: object) -> str | None:
    """Why `relative` is not a plain path below a project, or None when it is one."""
    if not isinstance(relative, str) or not relative:
        return f"{relative!r} is not a path"
    if "\0" in relative or "\\" in relative:
        return f"{relative!r} holds a NUL or a backslash"
    path = PurePosixPath(relative)
    if path.is_absolute():
        return f"{relative} is absolute"
    if any(part in ("..", ".") for part in relative.split("/")) or "" in relative.split("/"):
        return f"{relative} is not a plain path below the project"
    if any(part.casefold() == ".git" for part in path.parts):
        return f"{relative} is inside .git/"
    return None


def folder_link(root: Path, relative: str) -> str | None:
    """The first folder on the way to `relative` that is a symlink (or not a folder), as a
    relative path; None when every existing one is a real folder."""
    parts = PurePosixPath(relative).parts[:-1]
    current = root
    for index, part in enumerate(parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None  # the rest is made by the commit, as real folders
        if not stat.S_ISDIR(mode):
            return "/".join(parts[: index + 1])
    return None


def check_inside(root: Path, relative: str) -> Path:
    """`root / relative`, refused when `relative` leaves the project, enters .git/ or passes
    through a symlinked folder. `root` is the project's real path."""
    problem = relative_problem(relative)
    if problem is not None:
        raise OutsideProject(f"refused to write {problem}; nothing was written")
    link = folder_link(root, relative)
    if link is not None:
        kind = "a symlink" if os.path.islink(root / link) else "not a folder"
        raise OutsideProject(
            f"refused to write {relative}: {link} is {kind}; protean-init writes only through "
            "real folders of the project; nothing was written"
        )
    return root / relative


def project_file(real_root: Path, relative: str) -> Path:
    """The file `relative` names, to read it for an edit or write it: itself, or, when it is
    a symlink, the file of the project it names (checked like any). A link out of the project
    is refused unless the user set PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1, so that neither a
    write nor a diff or conflict report can reach a file outside it or in .git/."""
    path = check_inside(real_root, relative)
    if not path.is_symlink():
        return path
    resolved = Path(os.path.realpath(path))
    if resolved.is_relative_to(real_root) and resolved != real_root:
        # realpath left no link on the way; the file it names must be writable like any.
        inner = resolved.relative_to(real_root).as_posix()
        problem = relative_problem(inner)
        if problem is not None:
            raise OutsideProject(
                f"refused to write {relative}: it is a symlink to {inner}, and {problem}; "
                "nothing was written"
            )
        return real_root / inner
    if follow_outside_links():
        return resolved
    raise OutsideProject(
        f"{relative} is a symlink to {resolved}, outside the project; nothing was "
        f"written (set {FOLLOW_LINKS_ENV}=1 to write through it)"
    )


def link_out(real_root: Path, relative: str) -> str | None:
    """Why `relative` (a file or folder below the project's real root) is not read: the first
    symlink on the way to it, a folder or the file itself, that leaves the project or enters
    .git/, in one clause naming the link, its target and the reason (`src/ordering is a
    symlink to /elsewhere, outside the project`); None when every link on the way stays in
    the project, outside .git/. Reads follow the rule writes do (project_file): the user's
    PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1 lets a link out of the project through, never one
    into .git/, so nothing the repository plants can have its target quoted back."""
    parts = PurePosixPath(relative).parts
    current = real_root
    for index, part in enumerate(parts):
        current = current / part
        if not os.path.islink(current):
            continue
        link = "/".join(parts[: index + 1])
        target = Path(os.path.realpath(current))
        if not target.is_relative_to(real_root):
            if follow_outside_links():
                continue
            return f"{link} is a symlink to {target}, outside the project"
        inner = target.relative_to(real_root)
        if any(name.casefold() == ".git" for name in inner.parts):
            return f"{link} is a symlink to {inner.as_posix()}, inside .git/"
    return None
