/** Finds `\boxed{...}` / `\fbox{...}` contents with balanced braces (nested braces allowed). */
export function boxedContents(text: string): string[] {
  const found: string[] = [];
  const pattern = /\\(?:boxed|fbox)\s*\{/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) found.push(text.slice(m.index + m[0].length, i - 1).trim());
    pattern.lastIndex = i;
  }
  return found;
}
