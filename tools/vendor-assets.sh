#!/usr/bin/env bash
# Re-copies the staff console's browser assets from npm into wwwroot (they are committed: no CDN at run time).
# Usage: tools/vendor-assets.sh   (needs npm; versions pinned here, bump them on purpose)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/src/Jasmine.Bots.Host/wwwroot/staff/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund chart.js@4.6.1 @picocss/pico@2.1.1 >/dev/null
mkdir -p "$dest/chart.js" "$dest/pico"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$dest/chart.js/"
cp node_modules/@picocss/pico/css/pico.min.css node_modules/@picocss/pico/LICENSE.md "$dest/pico/"
echo "Copied chart.js $(node -p 'require("./node_modules/chart.js/package.json").version') and pico $(node -p 'require("./node_modules/@picocss/pico/package.json").version') into $dest"
