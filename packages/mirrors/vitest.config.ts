import { defineProject } from "vitest/config";

// Interop tests run real clients (nginx mirrors, aria2c): give them time on a busy 2-core box.
export default defineProject({
  test: {
    name: "@seedpress/mirrors",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
