#!/usr/bin/env bash
# Rebuild dist/blog.js from the lockfile: the same bytes on every machine (no timestamps, no paths, no
# legal comments). `make webapp` runs it; .ci/run checks that the committed bundle is what it builds.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install esbuild src/blog.js --bundle --minify --format=iife --target=es2020 \
    --platform=browser --legal-comments=none --charset=utf8 --outfile=dist/blog.js --log-level=warning
