#!/usr/bin/env bash
# Install the Debian/Ubuntu packages workteam needs (Qt's runtime libraries, PDF tools,
# PostgreSQL for the server tests).
# Safe to run again: it installs only what is missing. Needs root or sudo.
set -euo pipefail

packages=(
  python3 python3-venv python3-pip
  # Qt 6 (PySide6 wheels) on a bare system, offscreen and on a desktop (xcb)
  libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  # PDF checks in the tests (pdftotext, pdffonts, pdftoppm) with CJK support
  poppler-utils poppler-data
  # desktop-file-validate, for the test of the Linux menu entry (packaging/linux)
  desktop-file-utils
  # the sync server's tests and CI run on a throwaway PostgreSQL cluster as well as SQLite
  postgresql
)
# On a desktop (not a server or CI), the login token and the bundle keys are kept in the
# OS keyring: a Linux desktop needs a Secret Service. gnome-keyring is one; KDE's KWallet
# (with kwalletmanager) or KeePassXC also serve, so only add it when none is there.
if [ -n "${XDG_CURRENT_DESKTOP:-}${WORKTEAM_DESKTOP:-}" ] \
   && ! command -v gnome-keyring-daemon kwalletd5 kwalletd6 keepassxc > /dev/null 2>&1; then
  packages+=(gnome-keyring libsecret-1-0 dbus-user-session)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "Installing system packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
