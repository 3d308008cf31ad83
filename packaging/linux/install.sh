#!/usr/bin/env bash
# Install the one-folder program (dist/workteam, from `make package`) for the current user:
# the folder into ~/.local/opt/workteam, the command into ~/.local/bin, the menu entry and
# the icons into ~/.local/share. No root needed. The data home (~/.local/share/workteam)
# is a different folder and is never touched, so reinstalling or removing keeps the data.
#
#   bash packaging/linux/install.sh [BUNDLE]      # BUNDLE defaults to dist/workteam
#   bash packaging/linux/install.sh --uninstall
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/workteam"
bin="$HOME/.local/bin"

remove() {
  rm -rf "$opt"
  rm -f "$bin/workteam" "$data/applications/workteam.desktop"
  rm -f "$data"/icons/hicolor/*/apps/workteam.png "$data/icons/hicolor/scalable/apps/workteam.svg"
}

if [ "${1:-}" = "--uninstall" ]; then
  remove
  echo "workteam removed; the data in ${data}/workteam is kept"
  exit 0
fi

bundle="${1:-$root/dist/workteam}"
[ -x "$bundle/workteam" ] || { echo "$bundle/workteam not found: run make package first" >&2; exit 1; }

remove
mkdir -p "$opt" "$bin" "$data/applications"
cp -a "$bundle/." "$opt/"
ln -s "$opt/workteam" "$bin/workteam"
for png in "$root"/resources/icons/workteam-*.png; do
  size="$(basename "$png" .png)"; size="${size#workteam-}"
  install -D -m 644 "$png" "$data/icons/hicolor/${size}x${size}/apps/workteam.png"
done
install -D -m 644 "$root/resources/icons/workteam.svg" "$data/icons/hicolor/scalable/apps/workteam.svg"
# The menu may not have ~/.local/bin on its PATH: point Exec at the installed program.
sed "s|^Exec=workteam$|Exec=$opt/workteam|" "$here/workteam.desktop" > "$data/applications/workteam.desktop"
command -v update-desktop-database > /dev/null && update-desktop-database -q "$data/applications" || true
echo "workteam installed in $opt (menu: 驻村工作队工作平台; command: $bin/workteam)"
