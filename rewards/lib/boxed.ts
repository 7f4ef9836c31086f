/**
 * Finds `\boxed{...}` / `\fbox{...}` with balanced braces (nested braces and
 * escaped braces allowed): the one scanner behind the format flags, the
 * multiple-choice letters and the math engine's extraction.
 */
export interface Span {
  start: number;
  end: number;
  content: string;
  /** False for a box cut off by the end of the text (its content is what was written so far). */
  closed?: boolean;
}

export function findBoxes(text: string): Span[] {
  const out: Span[] = [];
  const re = /\\(?:boxed|fbox)\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let j = m.index + m[0].length;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    const closed = depth === 0;
    out.push({ start: m.index, end: closed ? j : text.length, content: text.slice(m.index + m[0].length, closed ? j - 1 : text.length), closed });
    if (!closed) break; // every later box is inside this unclosed one
    re.lastIndex = j;
  }
  return out;
}

/** The trimmed contents of the closed boxes, in text order. */
export function boxedContents(text: string): string[] {
  return findBoxes(text)
    .filter((box) => box.closed)
    .map((box) => box.content.trim());
}
