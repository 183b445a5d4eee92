import { defineProject } from "vitest/config";

// Tests start real servers and libtorrent: give them time on a busy 2-core box.
export default defineProject({
  test: {
    name: "@seedpress/publish",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
