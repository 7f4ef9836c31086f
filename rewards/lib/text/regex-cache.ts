/**
 * User-supplied patterns, compiled with re2js (a pure-JS port of RE2): it
 * matches in time linear in the input and rejects what would need
 * backtracking (backreferences, lookaround) and huge counted repeats, so a
 * pattern cannot stall a worker. Compiled patterns are kept per worker,
 * since a batch repeats the same pattern for every completion.
 */
import { RE2JS } from 're2js';

type RegexFlag = 'i' | 'm' | 's';

const FLAG_BITS: Record<RegexFlag, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };
const MAX_CACHED = 256;
const cache = new Map<string, RE2JS>();

/** Throws RE2JS's syntax error (with its message) for a pattern RE2 does not accept. */
export function compilePattern(pattern: string, flags: string): RE2JS {
  const key = `${flags}/${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    const bits = [...new Set(flags)].reduce((sum, flag) => sum | FLAG_BITS[flag as RegexFlag], 0);
    compiled = RE2JS.compile(pattern, bits);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
  }
  return compiled;
}
