import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-vite-site",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Both files build into the same dist/.
    fileParallelism: false,
    hookTimeout: 120_000,
  },
});
