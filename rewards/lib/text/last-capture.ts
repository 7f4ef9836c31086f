/**
 * Finds an answer by a pattern: the first capture group of the pattern's last
 * match (the whole match when it has no group), as Python's `re.findall(...)[-1]`
 * gives it, optionally only in the text's last characters and with some
 * characters deleted from what it captured. verl's gsm8k scorer reads the last
 * "#### n" in the last 300 characters, with "," and "$" deleted, this way.
 * Patterns are RE2 (regex-cache.ts): linear time on any input.
 */
import { compilePattern } from './regex-cache.ts';

export interface CaptureOptions {
  pattern: string;
  flags: string;
  /** Search only the text's last this many characters (code points, as Python slices). */
  last_chars?: number;
  /** Characters deleted from the captured text. */
  remove: string;
}

/** The captured text, or undefined when the pattern does not match; throws RE2's error for a pattern it refuses. */
export function lastCapture(text: string, options: CaptureOptions): string | undefined {
  const regex = compilePattern(options.pattern, options.flags);
  const matcher = regex.matcher(options.last_chars === undefined ? text : lastCodePoints(text, options.last_chars));
  let found: string | undefined;
  while (matcher.find()) found = (matcher.groupCount() > 0 ? matcher.group(1) : matcher.group()) ?? ''; // a group that took no part: '', as findall gives
  if (found === undefined || options.remove === '') return found;
  const removed = new Set(options.remove);
  return [...found].filter((char) => !removed.has(char)).join('');
}

function lastCodePoints(text: string, count: number): string {
  let start = text.length;
  for (let taken = 0; taken < count && start > 0; taken++) {
    start--;
    const code = text.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff && start > 0) {
      const before = text.charCodeAt(start - 1);
      if (before >= 0xd800 && before <= 0xdbff) start--;
    }
  }
  return text.slice(start);
}
