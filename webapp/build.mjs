// The page's bundle, dist/blog.js: the same bytes on every machine (no timestamps, no paths, no legal
// comments). Run by build.sh after `npm ci`. What keeps it small, and why each is honest:
//
// * target es2022: every current browser runs it unchanged (no down-levelled class fields);
// * the credential provider's own Cognito Identity client (@aws-sdk/nested-clients, "for internal use")
//   is the public @aws-sdk/client-cognito-identity the page already uses, with the same commands
//   (GetId, GetCredentialsForIdentity): one client in the bundle, not two;
// * each SDK client imports its whole package.json for one field, its version (the User-Agent header):
//   the bundle keeps that field only.
import { readFile } from "node:fs/promises";
import * as esbuild from "esbuild";

const packageVersionOnly = {
  name: "package-version-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, async (args) => {
      const { version } = JSON.parse(await readFile(args.path, "utf8"));
      return { contents: JSON.stringify({ version }), loader: "json" };
    });
  },
};

await esbuild.build({
  entryPoints: ["src/blog.js"],
  outfile: "dist/blog.js",
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  alias: { "@aws-sdk/nested-clients/cognito-identity": "@aws-sdk/client-cognito-identity" },
  plugins: [packageVersionOnly],
  logLevel: "warning",
  metafile: process.argv.includes("--metafile"),
}).then((result) => {
  if (result.metafile) {
    console.log(esbuild.analyzeMetafileSync(result.metafile));
  }
});
