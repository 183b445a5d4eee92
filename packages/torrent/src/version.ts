// The package version, written into `created by`: read from package.json (inlined by the build), never typed here.
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
