// The one parser each for sizes, thread counts and ports that every command uses.
import { describe, expect, it } from "vitest";
import { parseByteSize, parsePieceLength, parsePort, parseThreads } from "../src/args.js";
import { UsageError } from "../src/command.js";
import { exitCodeFor, inWords } from "../src/failure.js";

describe("argument parsers", () => {
  it("sizes take bytes or binary units", () => {
    expect(parseByteSize("262144", "--x")).toBe(262144);
    expect(parseByteSize("256KiB", "--x")).toBe(262144);
    expect(parseByteSize("4m", "--x")).toBe(4 * 1024 * 1024);
    expect(parseByteSize(" 1 GiB ", "--x")).toBe(1024 ** 3);
    expect(() => parseByteSize("1.5MiB", "--x")).toThrow(UsageError);
    expect(() => parseByteSize("12 parsecs", "--x")).toThrow('--x: "12 parsecs" is not a size');
    expect(parsePieceLength(undefined)).toBe("auto");
    expect(parsePieceLength("auto")).toBe("auto");
    expect(parsePieceLength("1MiB")).toBe(1048576);
  });

  it("threads are a whole count from 1 to 256", () => {
    expect(parseThreads(undefined)).toBeUndefined();
    expect(parseThreads("1")).toBe(1);
    expect(parseThreads("256")).toBe(256);
    for (const bad of ["0", "257", "-1", "2.5", "two", "", "1e2"])
      expect(() => parseThreads(bad), bad).toThrow("is not a count (1-256)");
  });

  it("ports are 0-65535, with off where a listener can be turned off", () => {
    expect(parsePort(undefined, "--port", 8080)).toBe(8080);
    expect(parsePort("0", "--port", 8080)).toBe(0);
    expect(parsePort("65535", "--port", 8080)).toBe(65535);
    expect(parsePort("off", "--udp-port", 6969, { off: true })).toBe(false);
    expect(() => parsePort("off", "--port", 8080)).toThrow('--port: "off" is not a port (0-65535)');
    for (const bad of ["65536", "-1", "80a", ""])
      expect(() => parsePort(bad, "--port", 1), bad).toThrow(UsageError);
  });
});

describe("failures", () => {
  it("turn errno codes into words", () => {
    expect(inWords("cannot write /x/a.torrent: ENOSPC")).toBe(
      "cannot write /x/a.torrent: no space left on the disk",
    );
    expect(inWords("cannot read (EACCES)")).toBe("cannot read (permission denied)");
    expect(inWords("listen EADDRINUSE: address already in use 127.0.0.1:80")).toBe(
      "listen address already in use 127.0.0.1:80",
    );
    expect(inWords("ERR_TORRENT_WRITE stays")).toBe("ERR_TORRENT_WRITE stays");
  });

  it("map to the contract's exit codes", () => {
    const coded = (code: string, cause?: unknown) => Object.assign(new Error("x", { cause }), { code });
    expect(exitCodeFor(new UsageError("x"))).toBe(2);
    expect(exitCodeFor(coded("ERR_TORRENT_OPTION"))).toBe(2);
    expect(exitCodeFor(coded("ERR_TORRENT_PATH_NOT_FOUND"))).toBe(2);
    expect(exitCodeFor(coded("ERR_TORRENT_FILE_CHANGED"))).toBe(3);
    expect(exitCodeFor(coded("ERR_TORRENT_WRITE", coded("ENOSPC")))).toBe(3);
    expect(exitCodeFor(coded("ERR_TRACKER_LISTEN"))).toBe(3);
    expect(exitCodeFor(coded("ENOSPC"))).toBe(3);
    expect(exitCodeFor(coded("ENOENT"))).toBe(2);
  });
});
