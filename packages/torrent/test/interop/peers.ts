// Drivers for the peers no one here wrote: libtorrent (Debian's python3 binding), mktorrent, Transmission.
import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** libtorrent's Python binding is installed for Debian's python, not the one first on PATH. */
export const PYTHON = "/usr/bin/python3";
const peersDir = join(here, "..", "peers");

function runWithInput(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`));
    });
    child.stdin.end(input);
  });
}

export interface LtFile {
  path: string;
  length: number;
  pad: boolean;
  offset?: number;
}

export interface LtCreateJob {
  /** Parent folder of the torrent's top entry. */
  root: string;
  /** Paths starting with the top entry's name, added in this order. */
  files: Array<[string, number]>;
  pieceLength: number;
  mode: "v1" | "v2" | "hybrid";
  tailPad?: boolean;
  out: string;
  trackers?: Array<[string, number]>;
  urlSeeds?: string[];
  comment?: string;
  creator?: string;
  private?: boolean;
  keepDate?: boolean;
}

export interface LtCreateResult {
  infoHash: string | null;
  infoHashV2: string | null;
  ltInfoHash: string | null;
  ltInfoHashV2: string | null;
  files: LtFile[];
  torrent: Buffer;
}

/** libtorrent makes a torrent (create_torrent + set_piece_hashes); returns its hashes and bytes. */
export async function ltCreate(job: LtCreateJob): Promise<LtCreateResult> {
  const out = await runWithInput(PYTHON, [join(peersDir, "lt_create.py")], JSON.stringify(job));
  const result = JSON.parse(out) as Omit<LtCreateResult, "torrent">;
  return { ...result, torrent: await readFile(job.out) };
}

export interface LtCheckResult {
  infoHash: string | null;
  infoHashV2: string | null;
  name: string;
  numPieces: number;
  pieceLength: number;
  files: LtFile[];
  state?: string;
  seeding?: boolean;
  have?: number[];
  error?: string | null;
  /** Set when libtorrent refused to load the .torrent. */
  loadError?: string;
}

/** Like ltCreate for many jobs in one Python process. */
export async function ltCreateBatch(jobs: LtCreateJob[]): Promise<LtCreateResult[]> {
  const out = await runWithInput(PYTHON, [join(peersDir, "lt_create.py")], JSON.stringify(jobs));
  const results = JSON.parse(out) as Array<Omit<LtCreateResult, "torrent">>;
  return Promise.all(
    results.map(async (r, i) => ({ ...r, torrent: await readFile((jobs[i] as LtCreateJob).out) })),
  );
}

/** libtorrent loads a .torrent and, with `savePath`, checks the data there against it. */
export async function ltCheck(torrentFile: string, savePath = "-"): Promise<LtCheckResult> {
  const { stdout } = await run(PYTHON, [join(peersDir, "lt_check.py"), torrentFile, savePath], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LtCheckResult;
}

/** Like ltCheck for many torrents in one libtorrent session (much faster than one process each). */
export async function ltCheckBatch(
  jobs: Array<[torrentFile: string, savePath: string]>,
): Promise<LtCheckResult[]> {
  const out = await runWithInput(PYTHON, [join(peersDir, "lt_check.py"), "--batch"], JSON.stringify(jobs));
  return JSON.parse(out) as LtCheckResult[];
}

export interface MktorrentOptions {
  pieceLength: number;
  out: string;
  announce?: string[];
  webSeeds?: string[];
  comment?: string;
  private?: boolean;
  source?: string;
  name?: string;
  /** Keep the creation date (default: -d, no date). */
  date?: boolean;
  /** Hashing threads (default 1: the tests run beside others). */
  threads?: number;
}

/** mktorrent 1.1 (`-l` is log2 of the piece length, 15..28). */
export async function mktorrent(target: string, o: MktorrentOptions): Promise<Buffer> {
  const args = ["-l", String(Math.log2(o.pieceLength)), "-t", String(o.threads ?? 1), "-o", o.out];
  if (!o.date) args.push("-d");
  for (const a of o.announce ?? []) args.push("-a", a);
  for (const w of o.webSeeds ?? []) args.push("-w", w);
  if (o.comment !== undefined) args.push("-c", o.comment);
  if (o.private) args.push("-p");
  if (o.source !== undefined) args.push("-s", o.source);
  if (o.name !== undefined) args.push("-n", o.name);
  args.push(target);
  await run("mktorrent", args);
  return readFile(o.out);
}

/** transmission-create (Transmission 3.00): `-s` takes KiB. */
export async function transmissionCreate(
  target: string,
  o: { out: string; pieceLength: number; trackers?: string[]; comment?: string; private?: boolean },
): Promise<Buffer> {
  const args = ["-o", o.out, "-s", String(o.pieceLength / 1024)];
  for (const t of o.trackers ?? []) args.push("-t", t);
  if (o.comment !== undefined) args.push("-c", o.comment);
  if (o.private) args.push("-p");
  args.push(target);
  await run("transmission-create", args);
  return readFile(o.out);
}

export interface TransmissionShow {
  name: string;
  hash: string;
  pieceCount: number;
  pieceSize: string;
  privacy: string;
  comment?: string;
  createdBy?: string;
  /** Tracker tiers in order. */
  trackers: string[][];
  webSeeds: string[];
  files: string[];
  magnet: string;
}

/** transmission-show's reading of a .torrent (text output, parsed here), plus its magnet link. */
export async function transmissionShow(torrentFile: string): Promise<TransmissionShow> {
  const { stdout } = await run("transmission-show", ["-u", torrentFile]);
  const { stdout: magnet } = await run("transmission-show", ["-m", torrentFile]);
  const field = (label: string): string | undefined => {
    const m = new RegExp(`^\\s+${label}: (.*)$`, "m").exec(stdout);
    return m?.[1];
  };
  // Sections are a header line in capitals (GENERAL, TRACKERS, WEBSEEDS, FILES) and indented lines.
  const section = (title: string): string[] => {
    const lines = stdout.split("\n");
    const at = lines.indexOf(title);
    if (at < 0) return [];
    const out: string[] = [];
    for (const line of lines.slice(at + 1)) {
      if (/^[A-Z][A-Z ]*$/.test(line)) break;
      if (line.trim() !== "") out.push(line.trim());
    }
    return out;
  };
  const comment = /^\s+Comment: (.*)$/m.exec(stdout)?.[1];
  return {
    name: field("Name") ?? "",
    hash: field("Hash") ?? "",
    pieceCount: Number(field("Piece Count")),
    pieceSize: field("Piece Size") ?? "",
    privacy: field("Privacy") ?? "",
    comment,
    createdBy: field("Created by"),
    trackers: section("TRACKERS").reduce<string[][]>((tiers, line) => {
      if (/^Tier #\d+$/.test(line)) tiers.push([]);
      else if (tiers.length === 0) tiers.push([line]);
      else tiers[tiers.length - 1]?.push(line);
      return tiers;
    }, []),
    webSeeds: section("WEBSEEDS"),
    files: section("FILES").map((l) => l.replace(/ \([^)]*\)$/, "")),
    magnet: magnet.trim(),
  };
}

export interface LtMagnet {
  infoHash: string | null;
  infoHashV2: string | null;
  name: string;
  trackers: string[];
  urlSeeds: string[];
  error?: string;
}

/** libtorrent's parse_magnet_uri over each link. */
export async function ltMagnet(links: string[]): Promise<LtMagnet[]> {
  const { stdout } = await run(PYTHON, [join(peersDir, "lt_magnet.py"), ...links]);
  return JSON.parse(stdout) as LtMagnet[];
}
