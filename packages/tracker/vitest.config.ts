import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/tracker", include: ["test/**/*.test.ts"] } });
