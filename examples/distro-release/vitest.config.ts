import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "example-distro-release", include: ["test/**/*.test.ts"] } });
