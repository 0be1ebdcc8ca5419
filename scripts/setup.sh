#!/usr/bin/env bash
# Set up Puray Live on a fresh Debian/Ubuntu machine: Qt's system libraries, a venv, the package.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt (offscreen and xcb) needs these; xvfb/xauth run the real window without a screen.
APT_PACKAGES=(
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
  fonts-dejavu-core xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0
  gcc libc6-dev  # the exactness tests compile the C references of Puray's pictures
)

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.puray-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test,dev,cluster,video,fast,notebook,docs]"
  touch "$stamp"
fi
# An editable install leaves the sources uncompiled; where bytecode cannot be written
# (PYTHONDONTWRITEBYTECODE, a read-only checkout) every `puray render` would compile about
# 80 modules again (~60 ms of its start). Compiling here is quick and a no-op when current.
.venv/bin/python -m compileall -q -j 0 tracer puray_gui >/dev/null
# The compiled walk of big scenes, once per machine (a minute or two): numba's cache, and the
# same kernels built ahead of time (no numba start-up in each render). Without numba (the
# "fast" extra) the numpy walk serves.
.venv/bin/python -m tracer.accel.compiled_setup
