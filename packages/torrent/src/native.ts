// Loads the optional native hashing kernel (see native/hash.c) when it was built for this platform.
// SEEDPRESS_NO_NATIVE=1 forces the node:crypto kernel, which gives the same hashes.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface NativeKernel {
  /** For each piece of data[0, length): the root of its 16 KiB SHA-256 block tree, zero-padded to `width` leaves. */
  merklePieces(data: Uint8Array, length: number, pieceLength: number, width: number, roots: Uint8Array): void;
  /** SHA-1 of each piece of data[0, length). */
  sha1Pieces(data: Uint8Array, length: number, pieceLength: number, out: Uint8Array): void;
}

function load(): NativeKernel | null {
  if (process.env.SEEDPRESS_NO_NATIVE) return null;
  const require = createRequire(import.meta.url);
  const name = `seedpress_hash-${process.platform}-${process.arch}.node`;
  // Beside the bundle in dist/; from src/ (tests run the TypeScript) in dist/, or where node-gyp left it.
  const places = import.meta.url.endsWith(".ts")
    ? [`../dist/${name}`, "../native/build/Release/seedpress_hash.node"]
    : [`./${name}`];
  for (const relative of places) {
    try {
      return require(fileURLToPath(new URL(relative, import.meta.url))) as NativeKernel;
    } catch {
      // not built here, or built for another libc: try the next place, then fall back to node:crypto
    }
  }
  return null;
}

export const nativeKernel: NativeKernel | null = load();
