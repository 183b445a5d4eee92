import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/eleventy", include: ["test/**/*.test.ts"] } });
