/**
 * The reason-code catalog (rewards/reasons.ts) against the code, both ways: every reason literal in
 * rewards/ and src/ is in the catalog, every catalog code is still emitted, the rules said to emit a
 * code do, examples agree with what the catalog says a code comes with, and the Python client's
 * configuration reasons are the catalog's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import { completionErrors, reasons, type ReasonInfo } from '../rewards/reasons.ts';

const catalog: Record<string, ReasonInfo> = reasons;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(file);
    else if (/\.(ts|js)$/.test(entry.name)) yield file;
  }
}

const literals = (text: string) => [...text.matchAll(/'([a-z][a-z0-9_]*)'/g)].map((m) => m[1]);

/**
 * Where a reason can be written, each form the code uses: `reason: <expression>` (a literal, a ternary or
 * a union type), `fail(...)` helpers, `crashReason: '...'` options, and type aliases named `*Failure` or
 * `*Reason` (a union a rule passes through, such as the sandbox's test statuses).
 */
const forms = [/\breason\??:\s*([^,}\n;)]+)/g, /\bfail\(([^;\n]*)\)/g, /\w+Reason:\s*('[a-z_]+')/g, /\btype \w*(?:Failure|Reason)\w* =([^;]+);/g];

/** Files whose `reason` is another vocabulary. */
const otherReasons: Record<string, string> = { 'src/routes/health.ts': "why /readyz is not ready ('draining'), not a cell's reason" };

/** code -> files writing it */
function scan(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const root of ['rewards', 'src']) {
    for (const file of sourceFiles(root)) {
      if (file in otherReasons) continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const form of forms) {
        for (const match of text.matchAll(form)) {
          if (match[1].trim().startsWith('{')) continue; // a schema (`reason: { type: 'string' }`), not a value
          for (const code of literals(match[1])) found.set(code, (found.get(code) ?? new Set()).add(file));
        }
      }
    }
  }
  return found;
}

const emitted = scan();
const builtinIds = builtinRewards.map((rule) => rule.id);

describe('the reason-code catalog', () => {
  it('finds the codes the scan is meant to find (the scan itself works)', () => {
    // One of each form: a literal, a `fail(0, ...)` helper, a `crashReason` option, a `*Failure` union.
    for (const code of ['no_code', 'mismatch', 'sandbox_error', 'memory', 'unclosed_think']) expect(emitted.has(code), code).toBe(true);
    expect(emitted.size).toBeGreaterThan(40);
  });

  it('lists every reason the code emits', () => {
    const missing = [...emitted].filter(([code]) => !(code in catalog)).map(([code, files]) => `${code} (${[...files].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('lists no reason the code no longer emits', () => {
    expect(Object.keys(catalog).filter((code) => !emitted.has(code))).toEqual([]);
  });

  it('names real emitters: built-in ids, `*` or `composite`', () => {
    const known = new Set([...builtinIds, '*', 'composite']);
    for (const [code, info] of Object.entries(catalog)) {
      expect(info.rules.length, code).toBeGreaterThan(0);
      expect(
        info.rules.filter((rule) => !known.has(rule)),
        code,
      ).toEqual([]);
    }
  });

  it('names the rule whose own file writes the code (rewards/<id>.ts)', () => {
    const unnamed: string[] = [];
    for (const [code, files] of emitted) {
      for (const file of files) {
        const id = /^rewards\/([a-z-]+)\.ts$/.exec(file)?.[1];
        if (id && builtinIds.includes(id) && code in catalog && !catalog[code].rules.some((rule) => rule === id || rule === '*'))
          unnamed.push(`${code} in ${file}`);
      }
    }
    expect(unnamed).toEqual([]);
  });

  const withReason = builtinRewards.flatMap((rule) => rule.examples.filter((e) => e.reason).map((e) => [rule.id, e.name, e.reason!, e.expected] as const));
  it.each(withReason)('%s example "%s": %s is listed for the rule, with what it comes with', (id, _name, code, expected) => {
    const info = catalog[code];
    expect(info, code).toBeDefined();
    expect(
      info.rules.some((rule) => rule === id || rule === '*'),
      `${code} should name ${id}`,
    ).toBe(true);
    if (info.with === 'null') expect(expected).toBeNull();
    if (info.with === 'score') expect(expected).not.toBeNull();
  });

  it("lists the completion's own errors", () => {
    const written = [...fs.readFileSync('src/scoring/completion-text.ts', 'utf8').matchAll(/\berror: '([a-z_]+)'/g)].map((m) => m[1]);
    expect(written.length).toBeGreaterThan(0);
    expect(written.sort()).toEqual(Object.keys(completionErrors).sort());
  });

  it("agrees with the Python client's configuration reasons (on_null='raise')", () => {
    const client = fs.readFileSync('clients/python/verdict_client.py', 'utf8');
    const set = /CONFIGURATION_REASONS = frozenset\(\{([^}]*)\}\)/.exec(client);
    expect(set).not.toBeNull();
    const inClient = [...set![1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
    const configuration = Object.entries(catalog).flatMap(([code, info]) => (info.configuration ? [code] : []));
    expect(inClient).toEqual([...configuration, ...Object.keys(completionErrors)].sort());
  });
});
