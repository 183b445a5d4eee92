import { defineProject } from "vitest/config";

// Interop tests run real clients (aria2c, libtorrent, Chromium): give them time on a busy 2-core box.
export default defineProject({
  test: {
    name: "@seedpress/webseed",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
