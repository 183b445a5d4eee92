// `npm test`'s pretest (scripts/test-peers.js) on a machine that lacks a Debian peer: as root it
// installs it with apt-get; without root or password-less sudo it stops at once and prints the one
// command to run. dpkg-query, apt-get, sudo and npm are stand-ins on PATH that record their calls.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../../scripts/test-peers.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-test-peers-"));
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = path.join(dir, "bin");
const log = path.join(dir, "calls.log");
mkdirSync(bin, { mode: 0o755 });
const tool = (name: string, body: string) =>
  writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
// Every peer is installed except redis-server and wrk.
tool(
  "dpkg-query",
  `[ "$1" = --version ] && exit 0
case "$3" in redis-server|wrk) exit 1;; esac
printf 'install ok installed'`,
);
tool("apt-get", `echo "apt-get $*" >> ${log}`);
tool("sudo", "exit 1"); // a password would be needed
tool("npm", `echo "npm $*" >> ${log}`);

function run(asUser?: number) {
  writeFileSync(log, "", { mode: 0o666 });
  const r = spawnSync(process.execPath, [script], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: "utf8",
    ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
  });
  return { ...r, calls: readFileSync(log, "utf8") };
}

describe("npm test's peer set-up", () => {
  it("as root, installs the missing Debian peers with apt-get", () => {
    if (process.getuid?.() !== 0) return expect(process.getuid?.()).not.toBe(0); // CI runs as root
    const r = run();
    expect(r.status).toBe(0);
    expect(r.calls).toContain("apt-get update -qq\n");
    expect(r.calls).toContain("apt-get install -y -qq --no-install-recommends wrk redis-server\n");
  });

  it("without root or sudo, stops at once and prints the one command to run", () => {
    const r = run(process.getuid?.() === 0 ? 65534 : undefined);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends wrk redis-server\n",
    );
    expect(r.stderr).toContain("missing Debian packages: wrk, redis-server");
    expect(r.calls).toBe(""); // nothing installed, test-peers/ not touched
  });
});
