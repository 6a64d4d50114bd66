#!/bin/sh
# Print the path of the newest Python >= 3.12 on this machine, or explain what to install.
# Why not just python3: on Python 3.11, PyPI's httpbin pins greenlet<3 while gevent needs
# greenlet>=3.2, so pip installs a broken mix (see README, "Requirements").
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for c in python3.14 python3.13 python3.12 python3; do
  if ok "$c"; then command -v "$c"; exit 0; fi
done
# pyenv shims answer "command not found" for versions that are installed but not selected.
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for c in $(ls -d "$root"/versions/3.*/bin/python3 2>/dev/null | sort -t/ -V -r); do
  if ok "$c"; then echo "$c"; exit 0; fi
done
echo "gevent-lab needs Python 3.12 or newer, and none was found (tried python3.14, python3.13," >&2
echo "python3.12, python3 and pyenv's versions). Install one (your system's python3.12 or" >&2
echo "python3.13 package, 'brew install python@3.13', 'pyenv install 3.13', 'uv python install" >&2
echo "3.13', or python.org), or name it: make PYTHON=/path/to/python3.12 ..." >&2
exit 1
