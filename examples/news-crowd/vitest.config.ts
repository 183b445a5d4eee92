import { defineProject } from "vitest/config";

// Projects do not inherit the root's timeouts: a crowd of real peers on a busy 2-core box needs time.
export default defineProject({
  test: {
    name: "example-news-crowd",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
