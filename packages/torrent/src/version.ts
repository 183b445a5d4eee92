// The package version, written into `created by`.
export const VERSION = "0.1.0";
