import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "seedpress", include: ["test/**/*.test.ts"] } });
