import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/vite", include: ["test/**/*.test.ts"] } });
