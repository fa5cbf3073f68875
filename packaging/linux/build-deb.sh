#!/usr/bin/env bash
# Builds the Linux bundle (PyInstaller, one folder) and the .deb (Debian's dpkg-deb), in one go:
#
#     packaging/linux/build-deb.sh          ->  dist/ctidesk_<version>_<arch>.deb
#
# The package installs the bundle under /opt/ctidesk, a /usr/bin/ctidesk symlink, the menu entry
# (also the tel:/callto: handler declaration), the icons, and /opt/ctidesk/share/
# ctidesk-autostart.desktop (copied to ~/.config/autostart by the app's "Start at login" setting;
# an administrator may copy it to /etc/xdg/autostart for every user).
#
# Environment: OUT_DIR (default dist/), BUILD_DIR (default build/linux), PYTHON (default the
# project's .venv, made by scripts/bootstrap), DEB_COMPRESSION (dpkg-deb -Z; default xz).
# Nothing is written outside the repository except where OUT_DIR/BUILD_DIR point.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT_DIR="${OUT_DIR:-$ROOT/dist}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/linux}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
COMPRESSION="${DEB_COMPRESSION:-xz}"
SVG="$ROOT/src/ctidesk/resources/icons/ctidesk.svg"
PREFIX=/opt/ctidesk

say() { printf '== %s\n' "$*"; }
fail() { printf 'build-deb: %s\n' "$*" >&2; exit 2; }

command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing; install it with: apt-get install dpkg"
[ -f "$SVG" ] || fail "the application icon $SVG is missing"
if [ ! -x "$PYTHON" ]; then
    say "python environment (scripts/bootstrap)"
    ./scripts/bootstrap
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    say "installing the packaging tools (the 'package' extra)"
    "$PYTHON" -m pip install -q -e ".[package]"
fi

VERSION="$("$PYTHON" -c 'import ctidesk; print(ctidesk.__version__)')"
ARCH="$(dpkg --print-architecture)"
DEB="$OUT_DIR/ctidesk_${VERSION}_${ARCH}.deb"
STAGE="$BUILD_DIR/root"
# PyInstaller keeps a cache in ~/.cache unless told otherwise: keep it in the build folder.
export PYINSTALLER_CONFIG_DIR="$BUILD_DIR/pyinstaller-config"
export QT_QPA_PLATFORM=offscreen

say "PyInstaller bundle ctidesk $VERSION ($ARCH)"
rm -rf "$BUILD_DIR/dist" "$STAGE"
mkdir -p "$BUILD_DIR" "$OUT_DIR"
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD_DIR/dist" --workpath "$BUILD_DIR/work" pyinstaller.spec
BUNDLE="$BUILD_DIR/dist/ctidesk"
"$BUNDLE/ctidesk" --version

say "staging the package tree"
mkdir -p "$STAGE/DEBIAN" "$STAGE$PREFIX/share" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/ctidesk"
cp -a "$BUNDLE/." "$STAGE$PREFIX/"
ln -s "../..$PREFIX/ctidesk" "$STAGE/usr/bin/ctidesk"
install -m 644 packaging/linux/org.ctidesk.CTIDesk.desktop \
    "$STAGE/usr/share/applications/org.ctidesk.CTIDesk.desktop"
install -m 644 packaging/linux/ctidesk-autostart.desktop "$STAGE$PREFIX/share/ctidesk-autostart.desktop"
install -m 644 "$SVG" "$STAGE/usr/share/icons/hicolor/scalable/apps/ctidesk.svg"
"$PYTHON" packaging/render_icons.py "$SVG" "$STAGE/usr/share/icons/hicolor" >/dev/null
cat > "$STAGE/usr/share/doc/ctidesk/copyright" <<'EOF'
ctidesk is distributed under the MIT license. The bundled Python, Qt (LGPLv3, via PySide6) and
Python libraries keep their own licenses; their notices are in /opt/ctidesk/_internal.
EOF
install -m 755 packaging/linux/postinst packaging/linux/postrm "$STAGE/DEBIAN/"

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: ctidesk
Version: $VERSION
Architecture: $ARCH
Maintainer: ctidesk developers <ctidesk@example.org>
Installed-Size: $INSTALLED_KB
Section: comm
Priority: optional
Depends: libc6 (>= 2.36), libegl1, libgl1, libxcb1, libdrm2
Recommends: xdg-utils, libwayland-client0, libwayland-cursor0, libwayland-egl1
Suggests: gnome-keyring | kwalletmanager
Description: caller pop-ups and phone control for support agents
 Desktop tray application for Grandstream desk phones on an NFON cloud PBX with
 a Zammad helpdesk: caller pop-up with the customer's tickets, phone control
 from the PC, tel:/callto: link dialling and a complete Zammad caller log.
 Self-contained build (Python and Qt bundled) under /opt/ctidesk.
EOF

chmod -R u+rwX,go+rX,go-w "$STAGE"
say "dpkg-deb ($COMPRESSION)"
rm -f "$DEB"
dpkg-deb --root-owner-group -Z"$COMPRESSION" --build "$STAGE" "$DEB" >/dev/null
dpkg-deb --info "$DEB" | sed -n '/Package:/,/Installed-Size:/p'
printf 'bundle  %s  %s\n' "$(du -sh "$BUNDLE" | cut -f1)" "$BUNDLE"
printf 'deb     %s  %s\n' "$(du -h "$DEB" | cut -f1)" "$DEB"
