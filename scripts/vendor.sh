#!/usr/bin/env bash
# Re-vendors the front-end libraries from the npm registry into static/vendor/.
# Run by hand when upgrading; the result is committed and nothing loads from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=2.0.11 BOOTSTRAP=5.3.8 ICONS=1.13.2 ECHARTS=6.1.0
dest=static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar -xzf "$1"-*.tgz -C "$1" && rm "$1"-*.tgz); }
fetch htmx.org "$HTMX"; fetch bootstrap "$BOOTSTRAP"; fetch bootstrap-icons "$ICONS"; fetch echarts "$ECHARTS"
rm -rf "$dest"; mkdir -p "$dest"/{htmx,bootstrap/css,bootstrap/js,bootstrap-icons/fonts,echarts}
cp "$tmp"/htmx.org/package/dist/htmx.min.js "$dest"/htmx/
cp "$tmp"/bootstrap/package/dist/css/bootstrap.min.css "$dest"/bootstrap/css/
cp "$tmp"/bootstrap/package/dist/js/bootstrap.bundle.min.js "$dest"/bootstrap/js/
cp "$tmp"/bootstrap-icons/package/font/bootstrap-icons.min.css "$dest"/bootstrap-icons/
cp "$tmp"/bootstrap-icons/package/font/fonts/bootstrap-icons.woff2 "$dest"/bootstrap-icons/fonts/
cp "$tmp"/bootstrap-icons/package/font/fonts/bootstrap-icons.woff "$dest"/bootstrap-icons/fonts/
cp "$tmp"/echarts/package/dist/echarts.min.js "$dest"/echarts/
# The source maps are not vendored, so their references go: collectstatic (the manifest storage of
# production mode) refuses a file that points at a file it cannot find.
find "$dest" \( -name '*.js' -o -name '*.css' \) -exec sed -i '/[#@] sourceMappingURL=/d' {} +
cat > "$dest"/VERSIONS.md <<TXT
# Vendored front-end libraries (from the npm registry, by scripts/vendor.sh)
| library | npm package | version | licence |
|---|---|---|---|
| htmx | htmx.org | $HTMX | 0BSD |
| Bootstrap | bootstrap | $BOOTSTRAP | MIT |
| Bootstrap Icons | bootstrap-icons | $ICONS | MIT |
| Apache ECharts | echarts | $ECHARTS | Apache-2.0 |
| Swagger UI | served by django-ninja from its own static files (PyPI) | see requirements.txt | Apache-2.0 |
TXT
