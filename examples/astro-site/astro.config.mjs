import seedpress from "@seedpress/astro";
import { defineConfig } from "astro/config";

// The public URL is `site` + `base`; SEEDPRESS_SITE lets tests point it elsewhere.
export default defineConfig({
  site: process.env.SEEDPRESS_SITE ?? "https://example.com",
  base: "/demo",
  trailingSlash: "ignore",
  integrations: [seedpress({ announce: ["udp://tracker.example.com:6969/announce"] })],
});
