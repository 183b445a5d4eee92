import { defineProject } from "vitest/config";

// Projects do not inherit the root's timeouts: real peers on a busy 2-core box need time.
export default defineProject({
  test: {
    name: "example-live-show",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
