#!/usr/bin/env bash
# Builds ctidesk.app (PyInstaller, from pyinstaller.spec) and a drag-to-Applications DMG (hdiutil).
# UNTESTED here (the project builds on Linux); CI runs it on macos-latest.
#
#   packaging/macos/build-dmg.sh        ->  dist/ctidesk-<version>.dmg
#
# Needs Python 3.11+ (python3 or $PYTHON). The app is ad-hoc signed only; for other Macs set
# CODESIGN_IDENTITY ("Developer ID Application: ...") and notarise the DMG with notarytool.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
BUILD_DIR="$ROOT/build/macos"
OUT_DIR="$ROOT/dist"
export PYINSTALLER_CONFIG_DIR="$BUILD_DIR/pyinstaller-config"

echo "== packaging tools (the 'package' extra)"
"$PYTHON" -m pip install -q -e ".[package]"
VERSION="$("$PYTHON" -c 'import ctidesk; print(ctidesk.__version__)')"

echo "== icons"
QT_QPA_PLATFORM=offscreen "$PYTHON" packaging/render_icons.py --installer-icons \
    src/ctidesk/resources/icons/ctidesk.svg build/icons

echo "== PyInstaller ctidesk.app $VERSION"
rm -rf "$BUILD_DIR/dist"
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD_DIR/dist" --workpath "$BUILD_DIR/work" pyinstaller.spec
APP="$BUILD_DIR/dist/ctidesk.app"
"$APP/Contents/MacOS/ctidesk" --version
"$APP/Contents/MacOS/ctidesk" --self-check
/usr/libexec/PlistBuddy -c "Print :CFBundleURLTypes:0:CFBundleURLSchemes" "$APP/Contents/Info.plist"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    # A Developer ID: the hardened runtime and a secure timestamp, as notarization requires.
    codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --strict --verbose=2 "$APP"
else
    codesign --force --deep --sign - "$APP"   # ad hoc: runs on this Mac and CI only
fi

echo "== DMG"
STAGE="$BUILD_DIR/dmg"
rm -rf "$STAGE"
mkdir -p "$STAGE" "$OUT_DIR"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="$OUT_DIR/ctidesk-$VERSION.dmg"
rm -f "$DMG"
hdiutil create -volname "ctidesk $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
printf 'app  %s  %s\n' "$(du -sh "$APP" | cut -f1)" "$APP"
printf 'dmg  %s  %s\n' "$(du -h "$DMG" | cut -f1)" "$DMG"
