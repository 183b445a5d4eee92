import { defineProject } from "vitest/config";

// Interop tests run real clients (libtorrent, aria2c, Transmission, Chromium): give them a minute.
export default defineProject({
  test: {
    name: "@seedpress/tracker",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
