/**
 * Tag scanning for the format rules: one left-to-right pass that finds
 * `<name>` / `</name>` for the names asked for, so nesting and order are
 * judged by a parser, not by one regex.
 */
export interface TagToken {
  name: string;
  close: boolean;
  /** Offset of `<`. */
  start: number;
  /** Offset just past `>`. */
  end: number;
}

export function scanTags(text: string, names: readonly string[]): TagToken[] {
  const tokens: TagToken[] = [];
  let at = text.indexOf('<');
  while (at !== -1) {
    const close = text[at + 1] === '/';
    const nameStart = at + (close ? 2 : 1);
    const gt = text.indexOf('>', nameStart);
    if (gt === -1) break;
    const name = text.slice(nameStart, gt);
    if (names.includes(name)) {
      tokens.push({ name, close, start: at, end: gt + 1 });
      at = text.indexOf('<', gt + 1);
    } else {
      at = text.indexOf('<', at + 1);
    }
  }
  return tokens;
}

/** End-of-sequence markers chat templates leave at the end of decoded completions. */
const END_MARKERS = ['<|im_end|>', '<|endoftext|>', '<|eot_id|>', '<|end|>', '</s>', '<｜end▁of▁sentence｜>', '<eos>', '<|end_of_text|>'];

/** CRLF to LF, trailing end-of-sequence markers removed, leading whitespace dropped. */
export function normalizeCompletion(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  for (let changed = true; changed;) {
    changed = false;
    const trimmed = out.trimEnd();
    for (const marker of END_MARKERS) {
      if (trimmed.endsWith(marker)) {
        out = trimmed.slice(0, -marker.length);
        changed = true;
      }
    }
  }
  return out.trimStart();
}
