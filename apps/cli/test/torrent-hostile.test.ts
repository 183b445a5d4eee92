// Hostile .torrent input against the built CLI: non-regular files refused before any read (a FIFO
// does not hang), oversized input refused by size, a torrent of a million tokens refused by the
// limit, and names that carry terminal escapes or newlines printed escaped (JSON left exact).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bencode } from "@seedpress/torrent";
import { afterAll, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refused = (r: ReturnType<typeof seedpress>, code: string) => {
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
};

describe("seedpress info / verify on hostile input", () => {
  it("refuses a FIFO at once instead of waiting for a writer", () => {
    const fifo = path.join(dir, "fifo.torrent");
    execFileSync("mkfifo", [fifo]);
    refused(seedpress(["info", fifo]), "ERR_TORRENT_NOT_A_FILE");
  });

  it.each([["/dev/zero"], [dir]])("refuses %s, which is not a regular file", (target) => {
    refused(seedpress(["info", target]), "ERR_TORRENT_NOT_A_FILE");
  });

  it("refuses a file over the size limit from its size, without reading it", () => {
    const big = path.join(dir, "big.iso");
    writeFileSync(big, "");
    truncateSync(big, 60 * 1024 * 1024);
    refused(seedpress(["info", big]), "ERR_TORRENT_LIMIT");
  });

  it("refuses a torrent listing 500,000 files by the token limit (verify never starts)", () => {
    const entries = Buffer.from("d6:lengthi1e4:pathl1:fee".repeat(500_000));
    const torrent = Buffer.concat([
      Buffer.from("d4:infod5:filesl"),
      entries,
      Buffer.from(`e4:name1:x12:piece lengthi16384e6:pieces${31 * 20}:`),
      Buffer.alloc(31 * 20),
      Buffer.from("ee"),
    ]);
    const file = path.join(dir, "many.torrent");
    writeFileSync(file, torrent);
    refused(seedpress(["verify", file, dir]), "ERR_TORRENT_LIMIT");
  });

  it("prints names with control characters escaped; a newline cannot fake a line; JSON is exact", () => {
    const name = "evil\u001b]0;pwned\u0007";
    const fake = "a\n    1.0 GiB  setup.exe";
    const torrent = bencode({
      announce: "http://t.example/announce\n    1.0 GiB  tracker-line",
      comment: "\u001b[2Jcleared",
      info: {
        name,
        "piece length": 16384,
        pieces: Buffer.alloc(20),
        files: [
          { length: 5, path: [fake] },
          { length: 5, path: ["b.txt"] },
        ],
      },
    });
    const file = path.join(dir, "evil.torrent");
    writeFileSync(file, torrent);
    const human = seedpress(["info", file]);
    expect(human.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
    expect(human.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // The name and paths are sanitised as libtorrent saves them; other text is escaped.
    expect(human.stdout).toContain("evil_]0;pwned_  (sanitised)");
    expect(human.stdout).toContain("\\x1b[2Jcleared");
    expect(human.stdout).toContain("announce\\n    1.0 GiB  tracker-line");
    // Two files, two lines under "files:", whatever the names hold.
    const fileLines = human.stdout.split("files:\n")[1]!.trim().split("\n");
    expect(fileLines).toHaveLength(2);
    expect(human.stdout).not.toMatch(/^\s+1\.0 GiB\s+setup\.exe/m);
    const json = JSON.parse(seedpress(["info", file, "--json"]).stdout);
    expect(json.name).toBe("evil_]0;pwned_");
    expect(json.files[0]).toMatchObject({
      path: "a_    1.0 GiB  setup.exe",
      pathSanitized: true,
      originalPath: fake,
    });
    expect(json.comment).toBe("\u001b[2Jcleared");
  });
});
