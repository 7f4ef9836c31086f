/**
 * `--rewards`: a JSON file holding either a list of rule specs or
 * `{ rewards, advantages?, aggregation?, deadline_ms? }` (the batch-level
 * fields of POST /v1/score), or inline ids `math-answer,think-format`.
 */
import fs from 'node:fs';
import type { ScoreRequest } from '../scoring/types.ts';
import { CliError } from './jsonl.ts';

export type BatchSpec = Omit<ScoreRequest, 'groups'>;

const inlineIds = /^[a-z0-9][a-z0-9._@-]*(,[a-z0-9][a-z0-9._@-]*)*$/;

export function loadRewardSpec(value: string | undefined): BatchSpec {
  if (value === undefined) return {};
  if (!fs.existsSync(value)) {
    if (inlineIds.test(value)) return { rewards: value.split(',').map((id) => ({ id })) };
    throw new CliError(`--rewards ${value}: no such file (or give rule ids: --rewards math-answer,think-format)`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(fs.readFileSync(value, 'utf8'));
  } catch (error) {
    throw new CliError(`--rewards ${value}: not JSON (${(error as Error).message})`);
  }
  if (Array.isArray(spec)) return { rewards: spec };
  if (spec && typeof spec === 'object' && 'groups' in spec) throw new CliError(`--rewards ${value}: holds groups; put them in the input file`);
  if (spec && typeof spec === 'object') return spec as BatchSpec;
  throw new CliError(`--rewards ${value}: expected a list of rule specs or an object with "rewards"`);
}
