// The race between resolving a path and opening it (issue 10 item 4): a served folder is swapped, atomically
// and as fast as a process can, with a symlink to a folder outside the root while clients request a file in
// it. Whatever the timing, not one byte of the outside file may be served.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { raw } from "./helpers.js";

let dir: string;
let ws: WebseedServer;
let port: number;
const INSIDE = "INSIDE-".repeat(100);
const OUTSIDE = "OUTSIDE".repeat(100);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "webseed-swap-"));
  mkdirSync(join(dir, "root", "d"), { recursive: true });
  mkdirSync(join(dir, "outside", "d"), { recursive: true });
  writeFileSync(join(dir, "root", "d", "f.txt"), INSIDE);
  writeFileSync(join(dir, "outside", "d", "f.txt"), OUTSIDE);
  symlinkSync(join(dir, "outside", "d"), join(dir, "root", "d-link"));
  // statTtl 0: every request resolves and opens the path again, so every request is a chance for the race.
  ws = createWebseedServer({ root: join(dir, "root"), statTtl: 0 });
  port = (await ws.listen(0)).port;
});
afterAll(async () => {
  await ws?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("swapping a served folder with a symlink to outside serves zero outside bytes", async () => {
  const swapper = spawn(
    "/usr/bin/python3",
    [
      join(import.meta.dirname, "interop/swap_loop.py"),
      join(dir, "root", "d"),
      join(dir, "root", "d-link"),
      "4",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let swaps = "";
  swapper.stdout.on("data", (d) => {
    swaps += d;
  });
  const exited = new Promise<number | null>((resolve) => swapper.once("exit", resolve));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const counts = { inside: 0, outside: 0, other: 0 };
  const client = async () => {
    while (running) {
      const r = await raw(port, "/d/f.txt");
      const body = r.body.toString();
      if (body.includes("OUTSIDE")) counts.outside++;
      else if (r.status === 200 && body === INSIDE) counts.inside++;
      else counts.other++;
    }
  };
  await Promise.all([client(), client(), client(), client()]);
  expect(await exited).toBe(0);
  expect(Number(swaps)).toBeGreaterThan(1000);
  expect(counts.outside).toBe(0);
  // The test raced for real: inside bytes were served while the folder was being swapped.
  expect(counts.inside).toBeGreaterThan(50);
});
