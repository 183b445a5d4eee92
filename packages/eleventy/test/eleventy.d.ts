// Eleventy 3 ships no TypeScript types; the test uses only this much of it.
declare module "@11ty/eleventy" {
  export default class Eleventy {
    constructor(input: string, output: string, options?: Record<string, unknown>);
    write(): Promise<unknown>;
    toJSON(): Promise<unknown>;
  }
}
