/**
 * The documentation stays true to the code: every generated page equals what `npm run docs` would write
 * now, each vocabulary a user reads is documented both ways (as fastify checks its errors against
 * docs/Reference/Errors.md), every built-in rule has its page and README line, and relative links resolve.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import { completionErrors, reasons } from '../rewards/reasons.ts';
import { httpErrors } from '../scripts/docs/errors-page.ts';
import { generatedFiles, README_BEGIN, README_END, root } from '../scripts/docs/generate.ts';

const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const generated = generatedFiles();
const ids = builtinRewards.map((rule) => rule.id);

describe('generated pages', () => {
  it.each([...generated.keys()])('%s is current (run `npm run docs`)', (file) => {
    expect(fs.existsSync(path.join(root, file)), file).toBe(true);
    expect(read(file) === generated.get(file), `${file} is stale: run npm run docs`).toBe(true);
  });

  it('has one page per built-in rule in docs/rules/, and none for a rule that is gone', () => {
    expect(fs.readdirSync(path.join(root, 'docs/rules')).sort()).toEqual(ids.map((id) => `${id}.md`).sort());
  });

  it("keeps each rule's hand-written part beside a rule that exists (rewards/<id>.md)", () => {
    const narratives = fs.readdirSync(path.join(root, 'rewards')).filter((name) => name.endsWith('.md'));
    expect(narratives.filter((name) => !ids.includes(name.slice(0, -3)))).toEqual([]);
    for (const name of narratives) expect(read(`docs/rules/${name}`)).toContain(read(`rewards/${name}`).trim());
  });
});

describe('vocabularies, both ways', () => {
  const errorsPage = read('docs/errors.md');
  const [httpPart, reasonPart] = errorsPage.split('\n## Reason codes\n');

  it('every HTTP error code of src/errors.ts is in docs/errors.md, and the page lists no other', () => {
    const catalog = httpErrors().map((e) => e.code);
    expect(catalog.length).toBeGreaterThan(30);
    const documented = [...httpPart.matchAll(/^\| \d{3} \| `(VERDICT_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...catalog].sort());
  });

  it('every reason code (and completion error) of the catalog is in docs/errors.md, and the page lists no other', () => {
    const documented = [...reasonPart.matchAll(/^\| `([a-z_]+)` \| /gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...Object.keys(reasons), ...Object.keys(completionErrors)].sort());
  });

  it('README lists every built-in rule, linked to its page, in its generated block', () => {
    const readme = read('README.md');
    const block = readme.slice(readme.indexOf(README_BEGIN), readme.indexOf(README_END));
    const listed = [...block.matchAll(/^\| \[`([a-z-]+)`\]\(docs\/rules\/\1\.md\) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(ids);
  });

  it("CHANGELOG.md names every built-in rule's current version", () => {
    const changelog = read('CHANGELOG.md');
    const missing = builtinRewards.filter((rule) => !changelog.includes(rule.version === 1 ? `\`${rule.id}\`` : `\`${rule.id}@${rule.version}\``));
    expect(missing.map((rule) => `${rule.id}@${rule.version}`)).toEqual([]);
  });

  it('README stays a front page: at most 200 lines', () => {
    expect(read('README.md').split('\n').length - 1).toBeLessThanOrEqual(200);
  });
});

describe('links', () => {
  const pages = [
    'README.md',
    'CHANGELOG.md',
    ...fs
      .readdirSync(path.join(root, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`),
    ...ids.map((id) => `docs/rules/${id}.md`),
  ];
  it.each(pages)('%s links only to files that exist', (page) => {
    if (!fs.existsSync(path.join(root, page))) return expect.fail(`${page} is missing`);
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#'));
    const broken = targets.filter((t) => !fs.existsSync(path.join(root, path.dirname(page), t.split('#')[0])));
    expect(broken).toEqual([]);
  });
});
