import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@seedpress/torrent", include: ["test/**/*.test.ts"] } });
