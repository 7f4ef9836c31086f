/**
 * POST /v1/openrlhf: OpenRLHF's remote reward server protocol
 * (`--remote_rm_url http://verdict:8080/v1/openrlhf`). OpenRLHF posts the
 * rendered prompt+response per sample, the prompts and the labels; it turns
 * `rewards` into a tensor (`torch.tensor`, which refuses None), so a sample no
 * rule could score gets 0 there and 0 in `extra_logs.scored`, and `warnings`
 * says when a rule mostly could not score. Rules that need a reference and get
 * no label are a 400 naming the label.
 * Rules come from `?rewards=id1,id2` or OPENRLHF_REWARDS; the key may come as
 * `?api_key=` (OpenRLHF sends no Authorization header).
 */
import type { FastifyInstance } from 'fastify';
import { openRlhfResponseSchema } from '../../schemas/openrlhf.ts';
import { InvalidRequest, Unauthenticated, withDetails } from '../errors.ts';
import type { RuleAt } from '../registry/registry.ts';
import { keepReferenceText } from '../reference-text.ts';
import { scoreBatch } from '../scoring/score-batch.ts';
import type { GroupInput } from '../scoring/types.ts';
import { failure, failures, success } from './responses.ts';

const mismatched = withDetails(new InvalidRequest('/labels has 1 items; query has 2'), [{ pointer: '/labels', message: 'has 1 items; query has 2' }]);

interface OpenRlhfBody {
  query: string[];
  prompts?: string[];
  labels?: unknown[];
}

/**
 * A label that holds a JSON object or array (tests for code, several answers) is the group's reference
 * parsed, with its text kept where a JavaScript number would change one of its numbers (code tests
 * need `3.0` and big integers as written).
 */
function setReference(group: GroupInput, label: unknown): void {
  group.reference = label;
  if (typeof label !== 'string' || !/^\s*[[{]/.test(label)) return;
  try {
    group.reference = JSON.parse(label);
  } catch {
    return;
  }
  keepReferenceText(group, label);
}

/**
 * Consecutive samples with the same prompt and label form a group (OpenRLHF samples n per prompt in a row).
 * `at`: each sample's group and place in it; `firstSample`: each group's first sample, whose label is its reference.
 */
function toGroups(body: OpenRlhfBody): { groups: GroupInput[]; at: Array<[number, number]>; firstSample: number[] } {
  const groups: GroupInput[] = [];
  const at: Array<[number, number]> = [];
  const firstSample: number[] = [];
  let key: string | undefined;
  body.query.forEach((query, i) => {
    const prompt = body.prompts?.[i];
    const label = body.labels?.[i];
    const completion = prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
    const groupKey = JSON.stringify([prompt ?? null, label ?? null]);
    if (groupKey !== key || groups.length === 0) {
      key = groupKey;
      const group: GroupInput = { completions: [] };
      if (prompt !== undefined) group.prompt = prompt;
      if (label !== undefined && label !== null) setReference(group, label);
      groups.push(group);
      firstSample.push(i);
    }
    const group = groups[groups.length - 1];
    at.push([groups.length - 1, group.completions.length]);
    group.completions.push(completion);
  });
  return { groups, at, firstSample };
}

/** The rules come from `?rewards=` (or OPENRLHF_REWARDS in its place): a rule's errors point at that query parameter. */
const queryRule: RuleAt = {
  entry: { pointer: '/rewards', in: 'querystring' },
  id: { pointer: '/rewards', in: 'querystring' },
  params: { pointer: '/rewards', in: 'querystring' },
};

export async function openRlhfRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/openrlhf',
    {
      // OpenRLHF's remote reward call sends Content-Type only: its key can ride in the URL (docs/security.md).
      config: { urlKey: true, scoring: true },
      schema: {
        tags: ['scoring'],
        summary: "OpenRLHF's remote reward model protocol: { query, prompts, labels } -> { rewards, scores, extra_logs }",
        querystring: {
          type: 'object',
          properties: {
            rewards: {
              type: 'string',
              description:
                'Comma-separated rule ids (default: OPENRLHF_REWARDS). OpenRLHF splits `--remote_rm_url` on commas, so a URL naming several rules here breaks into several servers: name them in OPENRLHF_REWARDS instead.',
            },
            api_key: { type: 'string', description: 'An API key, for callers that cannot send `Authorization` (it reaches URL logs: see docs/security.md)' },
          },
        },
        body: { $ref: 'OpenRlhfRequest#' },
        response: {
          200: success("Verdict's reward per sample (0 where no rule could score), each rule's scores in `extra_logs`", openRlhfResponseSchema),
          400: failure('Lists of different lengths, an unknown rule, or a label a rule cannot read (the pointer names the label: `/labels/<i>`)', mismatched),
          401: failure('`VERDICT_API_KEYS` is set and no key came (OpenRLHF sends it as `?api_key=`)', new Unauthenticated()),
          413: failures.tooLarge,
          415: failures.unsupportedMediaType,
          503: failures.overloaded,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as OpenRlhfBody;
      for (const field of ['prompts', 'labels'] as const) {
        const list = body[field];
        if (list && list.length !== body.query.length) {
          const message = `has ${list.length} items; query has ${body.query.length}`;
          throw withDetails(new InvalidRequest(`/${field} ${message}`), [{ pointer: `/${field}`, message }]);
        }
      }
      const { rewards: fromQuery } = request.query as { rewards?: string };
      const ids = fromQuery
        ? fromQuery
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean)
        : app.verdict.config.openrlhfRewards;
      const { groups, at, firstSample } = toGroups(body);
      const batch = { rewards: ids.map((id) => ({ id })), groups, advantages: { method: 'none' as const } };
      // As /v1/score: the caller's cells take their turn in the pools, and a client that goes away releases them.
      const { scoring, signal } = app.verdict.scope(request, reply);
      // A group's reference is its samples' label: errors point at its first sample's, where the caller can find it.
      const result = await scoreBatch(batch, scoring, {
        signal,
        log: request.log,
        onWarning: app.verdict.metrics.nullShareWarning,
        pointers: { reward: () => queryRule, reference: (g) => `/labels/${firstSample[g]}` },
      });

      const rewards = at.map(([g, c]) => result.groups[g].completions[c].reward ?? 0);
      const extraLogs: Record<string, number[]> = {};
      for (const id of ids) extraLogs[id] = at.map(([g, c]) => result.groups[g].completions[c].rewards[id]?.score ?? 0);
      extraLogs.scored = at.map(([g, c]) => (result.groups[g].completions[c].reward === null ? 0 : 1));
      request.log.info({ samples: body.query.length, groups: groups.length, rules: ids.length }, 'openrlhf scored');
      return { rewards, scores: rewards, extra_logs: extraLogs, warnings: result.warnings };
    },
  );
}
