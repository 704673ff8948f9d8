#!/usr/bin/env bash
# Rebuild dist/blog.js from the lockfile (build.mjs: esbuild, and why the bundle is as small as it is).
# `make webapp` runs it; tests/course/test_blog_page.py checks that the committed bundle is what it builds.
# `webapp/build.sh --metafile` also prints what each package contributes.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node build.mjs "$@"
