// One build config for every package: ESM, types, Node 20, dependencies left external.
import { defineConfig, type Options } from "tsup";

export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    target: "node20",
    platform: "node",
    clean: true,
    sourcemap: true,
    splitting: true,
    ...overrides,
  });
}
