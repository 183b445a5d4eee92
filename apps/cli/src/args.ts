// Argument parsing on node:util's parseArgs, with the errors turned into UsageError (exit 2), and
// the one parser each for the values several commands take: sizes, thread counts, ports.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./command.js";

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  positionals: { min: number; max: number; names: string },
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    throw new UsageError(`expected ${positionals.names}, got ${count} argument(s)`);
  }
  return parsed;
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** "262144", "256KiB", "1MiB", "4m" → bytes. Binary units throughout, as mktorrent and libtorrent mean them. */
export function parseByteSize(text: string, what: string): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new UsageError(`${what}: "${text}" is not a size (try 262144, 256KiB or 1MiB)`);
  return Number(match[1]) * unit;
}

/** --piece-length: a size, or "auto" (the default). */
export function parsePieceLength(text: string | undefined): number | "auto" {
  return text === undefined || text === "auto" ? "auto" : parseByteSize(text, "--piece-length");
}

/** --threads N: a whole count from 1 to 256; undefined when not given (the library's default). */
export function parseThreads(text: string | undefined, what = "--threads"): number | undefined {
  return parseCount(text, what, { max: 256, unit: "count" });
}

/**
 * A whole number from `min` to `max` (`unit` names what it counts, for the error); undefined when not
 * given.
 */
export function parseCount(
  text: string | undefined,
  what: string,
  {
    min = 1,
    max = Number.MAX_SAFE_INTEGER,
    unit = "whole number",
  }: { min?: number; max?: number; unit?: string } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min}-${max}`;
    throw new UsageError(`${what}: "${text}" is not a ${unit} (${range})`);
  }
  return n;
}

/** A port: 0-65535 (0: any free one); "off" too when `off` is allowed. `fallback` when not given. */
export function parsePort(text: string | undefined, what: string, fallback: number): number;
export function parsePort(
  text: string | undefined,
  what: string,
  fallback: number | false,
  options: { off: true },
): number | false;
export function parsePort(
  text: string | undefined,
  what: string,
  fallback: number | false,
  options: { off?: boolean } = {},
): number | false {
  if (text === undefined) return fallback;
  if (options.off && text === "off") return false;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`${what}: "${text}" is not a port (0-65535${options.off ? ", or off" : ""})`);
  return Number(text);
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[i]}`;
}
