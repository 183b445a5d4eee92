import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/site", include: ["test/**/*.test.ts"] } });
