/**
 * Whether a parsed value nests arrays and objects deeper than `limit`: a walk of the containers only,
 * without recursion, after parsing (V8's JSON.parse and secure-json-parse's scan are iterative, so any
 * nesting parses). Scanning the raw text instead visits every character, which costs more than the
 * parse itself. Used on request bodies and on the return values of programs under test.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[object, number]> = [];
  if (value !== null && typeof value === 'object') stack.push([value, 1]);
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
