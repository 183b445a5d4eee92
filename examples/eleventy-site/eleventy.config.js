import seedpress from "@seedpress/eleventy";

export default function (eleventyConfig) {
  // Passthrough copy keeps the file's mtime, so the hash cache holds across builds.
  eleventyConfig.addPassthroughCopy({ "public/downloads": "downloads" });
  eleventyConfig.addPlugin(seedpress, {
    baseUrl: process.env.SEEDPRESS_BASE_URL ?? "https://example.com/",
    mode: "append",
  });
}

export const config = { dir: { input: "src", output: "_site" } };
