// Builds the optional native hashing kernel (native/hash.c) when this machine can: a C compiler,
// this Node's own headers (no download) and node-gyp. It runs from `npm run build` only, never at
// install: binding.gyp sits in native/, not the package root, so npm runs no implicit node-gyp.
// Without a compiler it says nothing and exits 0; the hash workers then use node:crypto, which
// gives the same hashes. The result goes to dist/seedpress_hash-<platform>-<arch>.node, where
// src/native.ts looks for it.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const native = path.join(root, "native");
const nodedir = path.resolve(path.dirname(process.execPath), "..");
const target = path.join(root, "dist", `seedpress_hash-${process.platform}-${process.arch}.node`);
const say = (message) => process.stderr.write(`@seedpress/torrent: native kernel ${message}\n`);

/** The compiler make will call ($CC, else cc) answers --version. CC=false means "no compiler". */
function hasCompiler() {
  const [command, ...args] = (process.env.CC || "cc").trim().split(/\s+/);
  const probe = spawnSync(command, [...args, "--version"], { stdio: "ignore" });
  return probe.status === 0;
}

function nodeGyp() {
  const bundled = path.join(
    nodedir,
    "lib",
    "node_modules",
    "npm",
    "node_modules",
    "node-gyp",
    "bin",
    "node-gyp.js",
  );
  const candidates = [process.env.npm_config_node_gyp, bundled].filter(Boolean);
  return candidates.find((file) => existsSync(file));
}

function build() {
  rmSync(target, { force: true }); // never leave an earlier build's kernel behind a failed one
  if (process.env.SEEDPRESS_NO_NATIVE) return;
  if (!hasCompiler()) return;
  if (!existsSync(path.join(nodedir, "include", "node", "node_api.h"))) return;
  const gyp = nodeGyp();
  if (!gyp) return;
  const result = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], {
    cwd: native,
    encoding: "utf8",
  });
  const built = path.join(native, "build", "Release", "seedpress_hash.node");
  if (result.status !== 0 || !existsSync(built)) {
    const lines = `${result.stderr}\n${result.stdout}\n${result.error ?? ""}`.split("\n");
    const detail = lines.filter((l) => /error/i.test(l) && !l.startsWith("gyp")).at(-1) ?? lines.at(-1);
    say(`not built, node:crypto will be used (${detail})`);
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(built, target);
}

build();
