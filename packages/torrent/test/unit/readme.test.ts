// The README documents every option of createTorrent and every limit, with the code's values.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as limits from "../../src/limits.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const types = readFileSync(new URL("../../src/types.ts", import.meta.url), "utf8");

describe("README", () => {
  it("lists exactly the options of CreateTorrentOptions", () => {
    const body = types.slice(types.indexOf("export interface CreateTorrentOptions"));
    const declared = [...body.slice(0, body.indexOf("\n}")).matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    const table = readme.slice(readme.indexOf("### `createTorrent"), readme.indexOf("**Auto piece length**"));
    const documented = [...table.matchAll(/^\| `(\w+)`(?: \/ `(\w+)`)? \|/gm)].flatMap((m) =>
      m.slice(1).filter(Boolean),
    );
    expect(documented.sort()).toEqual(declared.sort());
  });

  it("gives each limit with its value", () => {
    const rows: [string, number][] = [
      ["MAX_TORRENT_BYTES", limits.MAX_TORRENT_BYTES],
      ["MAX_BENCODE_DEPTH", limits.MAX_BENCODE_DEPTH],
      ["MAX_BENCODE_TOKENS", limits.MAX_BENCODE_TOKENS],
      ["MAX_FILES", limits.MAX_FILES],
      ["MAX_PIECES", limits.MAX_PIECES],
    ];
    const shown = (n: number) =>
      n === limits.MAX_TORRENT_BYTES ? `${n / (1024 * 1024)} MiB` : n.toLocaleString("en-US");
    for (const [name, value] of rows)
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\| ${shown(value)}`));
  });
});
