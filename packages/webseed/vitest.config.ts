import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/webseed", include: ["test/**/*.test.ts"] } });
