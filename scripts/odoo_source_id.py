#!/usr/bin/env python3
"""Print one line naming the exact Odoo source tree the tests run against.

    python3 scripts/odoo_source_id.py ODOO_SRC [CACHE_FILE]

Output (one line):
    /path/to/odoo-19.0: Odoo 19.0 (version_info 19.0.0.final.0), commit <sha|unknown>, tree <sha>

- version: read from ODOO_SRC/odoo/release.py.
- commit: ``git rev-parse HEAD`` when ODOO_SRC is a git work tree ("+dirty" when
  it has changes), else the commit recorded when the tarball was downloaded
  (``<ODOO_SRC>.commit``, written by scripts/setup.sh with
  ``git get-tar-commit-id``), else "unknown".
- tree: the git tree hash of the source content (the same algorithm as
  ``git write-tree``: blobs, modes, sorted entries), ignoring __pycache__/,
  *.pyc/*.pyo and .git/. For an unmodified export of an Odoo commit it equals
  ``git rev-parse <commit>^{tree}``; any changed, added or removed file
  changes it.

Hashing 1.2 GB takes a while, so the result is cached in CACHE_FILE (default
``<ODOO_SRC>.source-id``), keyed by a fingerprint of every file's path, size,
mode and modification time: the content is re-hashed only when a file changed.
"""

import hashlib
import os
import stat
import subprocess
import sys

SKIP_DIRS = {"__pycache__", ".git"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def walk(root):
    """Yield (relative path, os.stat_result) of every file and symlink, sorted."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(SKIP_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            yield os.path.relpath(path, root), os.lstat(path)
        # os.walk does not descend into symlinked directories: list them as links
        for d in list(dirnames):
            path = os.path.join(dirpath, d)
            if os.path.islink(path):
                dirnames.remove(d)
                yield os.path.relpath(path, root), os.lstat(path)


def fingerprint(entries):
    h = hashlib.sha256()
    for rel, st in entries:
        h.update(f"{rel}\0{st.st_size}\0{st.st_mode}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def git_object(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


def tree_hash(root, entries):
    """Git tree hash of the files in ``entries`` (relative to ``root``)."""
    tree = {}  # nested dicts: name -> dict (directory) | (mode, sha)
    for rel, st in entries:
        parts = rel.split(os.sep)
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        path = os.path.join(root, rel)
        if stat.S_ISLNK(st.st_mode):
            mode, data = b"120000", os.readlink(path).encode()
        else:
            mode = b"100755" if st.st_mode & stat.S_IXUSR else b"100644"
            with open(path, "rb") as f:
                data = f.read()
        node[parts[-1]] = (mode, git_object(b"blob", data))

    def write(node):
        items = []
        for name, value in node.items():
            if isinstance(value, dict):
                if not value:
                    continue  # git does not store empty folders
                items.append((name + "/", b"40000", name, write(value)))
            else:
                items.append((name, value[0], name, value[1]))
        items.sort(key=lambda i: i[0].encode())  # git's order: folders sort as "name/"
        data = b"".join(mode + b" " + name.encode() + b"\0" + sha for _, mode, name, sha in items)
        return git_object(b"tree", data)

    return write(tree).hex()


def version(src):
    ns = {}
    with open(os.path.join(src, "odoo", "release.py"), encoding="utf-8") as f:
        exec(compile(f.read(), "release.py", "exec"), ns)  # noqa: S102 - Odoo's own constants file
    info = ".".join(str(x) for x in ns["version_info"] if x != "")
    return f"Odoo {ns['version']} (version_info {info})"


def commit(src):
    try:
        out = subprocess.run(
            ["git", "-C", src, "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        if os.path.realpath(out[0]) == os.path.realpath(src):
            dirty = subprocess.run(
                ["git", "-C", src, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
            return out[1] + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError, IndexError):
        pass
    recorded = src.rstrip("/") + ".commit"
    if os.path.isfile(recorded):
        with open(recorded, encoding="utf-8") as f:
            value = f.read().strip()
        if value:
            return f"{value} (recorded at download)"
    return "unknown"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src = os.path.realpath(sys.argv[1])
    cache = sys.argv[2] if len(sys.argv) == 3 else src.rstrip("/") + ".source-id"
    entries = list(walk(src))
    key = fingerprint(entries)
    tree = None
    try:
        with open(cache, encoding="utf-8") as f:
            cached_key, cached_tree = f.read().split()[:2]
        if cached_key == key:
            tree = cached_tree
    except (OSError, ValueError):
        pass
    if tree is None:
        tree = tree_hash(src, entries)
        try:
            tmp = f"{cache}.{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(f"{key} {tree}\n")
            os.replace(tmp, cache)
        except OSError as e:
            print(f"WARNING: could not cache the Odoo tree hash in {cache}: {e}", file=sys.stderr)
    print(f"{src}: {version(src)}, commit {commit(src)}, tree {tree}")


if __name__ == "__main__":
    main()
