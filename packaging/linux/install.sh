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

# The login token and the bundle keys live only in the OS keyring (never in a file).
if ! command -v gnome-keyring-daemon kwalletd5 kwalletd6 keepassxc > /dev/null 2>&1; then
  echo
  echo "注意：本机没有密钥环服务（keyring），登录凭据和U盘数据包密钥无法保存。"
  echo "请安装 gnome-keyring 后重新登录桌面：sudo apt install gnome-keyring"
  echo "Note: no keyring service found; install one and log in to the desktop again:"
  echo "  sudo apt install gnome-keyring"
  if [ -t 0 ] && command -v apt-get > /dev/null; then
    read -r -p "现在安装？/ Install now? [Y/n] " answer
    case "${answer:-y}" in
      [Yy]*) if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
             "${sudo[@]}" apt-get install -y gnome-keyring libsecret-1-0 dbus-user-session \
               && echo "已安装：请注销并重新登录桌面 / Installed: log out and in again";;
    esac
  fi
fi
