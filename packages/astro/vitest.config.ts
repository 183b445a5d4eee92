import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/astro", include: ["test/**/*.test.ts"] } });
