/**
 * One file per rule, listed by hand (ESLint's lib/rules/<id>.js and its index): a rule's id is its
 * file name, the index lists every rule file once, sorted, and nothing else. Adding a rule is one file
 * plus one line in rewards/index.ts; forgetting the line, misnaming the file or the id fails here.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import type { RewardDefinition } from '../rewards/types.ts';

const dir = new URL('../rewards/', import.meta.url);
/** Files of rewards/ that hold no rule. */
const NOT_RULES = new Set(['index.ts', 'types.ts', 'reasons.ts']); // the rule shape and the reason catalog
const ruleFiles = fs
  .readdirSync(dir, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !NOT_RULES.has(entry.name))
  .map((entry) => entry.name)
  .sort();
const indexSource = fs.readFileSync(new URL('index.ts', dir), 'utf8');

describe('rule files', () => {
  it('finds the rule files', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(14); // an empty listing would leave the rows below with nothing to check
  });

  it.each(ruleFiles)('%s exports `reward` whose id is its file name, and the index holds that very rule', async (file) => {
    const module = (await import(new URL(file, dir).href)) as { reward?: RewardDefinition };
    expect(module.reward?.id).toBe(file.replace(/\.ts$/, ''));
    expect(builtinRewards).toContain(module.reward);
  });

  it('the index lists each rule once, sorted by id, and only rule files', () => {
    const ids = builtinRewards.map((rule) => rule.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(ruleFiles.map((file) => file.replace(/\.ts$/, '')));
  });

  it("the index's imports are one per rule file, in the same sorted order", () => {
    const imported = [...indexSource.matchAll(/^import \{ reward as \w+ \} from '\.\/([\w-]+\.ts)';$/gm)].map((m) => m[1]);
    expect(imported).toEqual(ruleFiles);
  });
});
