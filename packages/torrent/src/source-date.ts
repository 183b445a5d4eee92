// The one `creation date` rule of seedpress: an explicit date wins; otherwise SOURCE_DATE_EPOCH
// (reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/) when set, a bad
// value being an error everywhere rather than silently ignored; otherwise now.
import { TorrentError } from "./errors.js";

/** SOURCE_DATE_EPOCH in seconds, undefined when unset or empty; ERR_TORRENT_OPTION when not a whole number. */
export function sourceDateEpoch(env: Record<string, string | undefined> = process.env): number | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return undefined;
  if (!/^\d{1,15}$/.test(epoch))
    throw new TorrentError("ERR_TORRENT_OPTION", `SOURCE_DATE_EPOCH "${epoch}" is not a number of seconds`);
  return Number(epoch);
}

/** The `creation date` to write: `option` (seconds) if given, none for false, else SOURCE_DATE_EPOCH or now. */
export function creationDate(
  option?: number | false,
  env: Record<string, string | undefined> = process.env,
): number | undefined {
  if (option === false) return undefined;
  if (typeof option === "number") {
    if (!Number.isSafeInteger(option) || option < 0)
      throw new TorrentError(
        "ERR_TORRENT_OPTION",
        `creation date ${option} is not a whole number of seconds`,
      );
    return option;
  }
  return sourceDateEpoch(env) ?? Math.floor(Date.now() / 1000);
}
