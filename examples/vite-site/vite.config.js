import { resolve } from "node:path";
import seedpress from "@seedpress/vite";
import { defineConfig } from "vite";

// SEEDPRESS_BASE_URL lets the tests serve the build on 127.0.0.1 at a port chosen at run time.
const baseUrl = process.env.SEEDPRESS_BASE_URL ?? "https://example.com/";

export default defineConfig({
  build: {
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, "index.html"),
        downloads: resolve(import.meta.dirname, "downloads/index.html"),
      },
    },
  },
  plugins: [seedpress({ baseUrl, manifest: "seedpress-manifest.json" })],
});
