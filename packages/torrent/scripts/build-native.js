// Builds the optional native hashing kernel (native/hash.c) with node-gyp against this Node's own
// headers and OpenSSL, into dist/seedpress_hash-<platform>-<arch>.node. Never fails the build:
// without a compiler or headers the hash workers use node:crypto and produce the same hashes.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodedir = path.resolve(path.dirname(process.execPath), "..");
const say = (message) => process.stderr.write(`@seedpress/torrent native kernel: ${message}\n`);

if (!existsSync(path.join(nodedir, "include", "node", "node_api.h"))) {
  say(`skipped: no Node headers under ${nodedir}/include/node (the node:crypto kernel will be used)`);
  process.exit(0);
}
const gyp =
  process.env.npm_config_node_gyp ??
  path.join(nodedir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
const result = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], {
  cwd: root,
  encoding: "utf8",
});
const built = path.join(root, "build", "Release", "seedpress_hash.node");
if (result.status !== 0 || !existsSync(built)) {
  say(
    `not built (the node:crypto kernel will be used):\n${(result.stderr || result.stdout || String(result.error)).slice(-2000)}`,
  );
  process.exit(0);
}
copyFileSync(built, path.join(root, "dist", `seedpress_hash-${process.platform}-${process.arch}.node`));
