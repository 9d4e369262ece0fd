#!/usr/bin/env bash
# Opens a report's index.html in headless Chromium (Debian package `chromium`), fails on console
# errors or an empty layout, and saves a screenshot. Usage:
#   scripts/browser-check.sh [REPORT_DIR] [SCREENSHOT.png]
# (default: reports/example and docs/audit-example.png). Needs no network: the page is one file.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-reports/example}"
shot="${2:-docs/audit-example.png}"
page="$(realpath "$report/index.html")"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "chromium is not installed (Debian: apt-get install chromium)" >&2
  exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile")
# The laid-out page: its DOM after rendering, and what the console said.
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$page" \
  >"$profile/dom.html" 2>"$profile/console.log" || true
if grep -E 'CONSOLE|Uncaught' "$profile/console.log" | grep -v 'dbus' >"$profile/errors.log"; then
  echo "console errors in $page:" >&2
  cat "$profile/errors.log" >&2
  exit 1
fi
sections=$(grep -o '<section id="[a-z-]*"' "$profile/dom.html" | wc -l)
tables=$(grep -o '<table' "$profile/dom.html" | wc -l)
svgs=$(grep -o '<svg' "$profile/dom.html" | wc -l)
if [ "$sections" -lt 5 ] || [ "$tables" -lt 5 ]; then
  echo "empty layout: $sections sections, $tables tables in the rendered page" >&2
  exit 1
fi
"$browser" "${flags[@]}" --window-size=1280,1600 --hide-scrollbars --screenshot="$profile/shot.png" "file://$page" 2>/dev/null
if [ ! -s "$profile/shot.png" ]; then
  echo "no screenshot was taken" >&2
  exit 1
fi
cp "$profile/shot.png" "$shot"
echo "$page: $sections sections, $tables tables, $svgs pictures rendered, no console error; screenshot $shot"
