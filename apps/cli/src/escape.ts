// Text from a torrent (names, paths, comments, trackers) shown to a person: control characters are
// made visible instead of reaching the terminal, so a name cannot clear the screen, set the title,
// move the cursor or fake an output line with a newline. JSON output is never passed through this.

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), the bidi and isolate controls that
// reorder what is shown ("exe.txt" as "txt.exe"), and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the job here
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };

/** `text` with every control character shown as an escape (\n, \x1b, \u202e); backslashes doubled. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
