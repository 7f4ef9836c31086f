/**
 * The language a completion should think in: the group's
 * `metadata.language` when given, else the rule's `target`, where
 * `same_as_prompt` reads the prompt (CJK and Hangul by script, anything
 * else with the identifier). Unresolvable is a reason, never a guess.
 */
import { CJK_RUN, hasKana } from '../text/unspaced.ts';
import { LANGUAGE_SCRIPT, normalizeLanguage } from './languages.ts';
import type { Target } from './count-words.ts';
import { loadDetector } from './latin-identifier.ts';
import { stripNonProse } from './strip-non-prose.ts';

export type Resolved = { target: Target } | { reason: 'no_target' | 'unsupported_target'; details: Record<string, unknown> };

const HANGUL = new RegExp(String.raw`\p{Script=Hangul}`, 'gv');

export async function resolveTarget(requested: string, metadata: Record<string, unknown> | undefined, prompt: string | undefined): Promise<Resolved> {
  const raw = typeof metadata?.language === 'string' ? metadata.language : requested;
  let code: string | undefined;
  if (raw === 'same_as_prompt') {
    code = prompt ? await promptLanguage(prompt) : undefined;
    if (!code) return { reason: 'no_target', details: { target: raw, message: prompt ? 'the prompt language could not be identified' : 'no prompt' } };
  }
  code = normalizeLanguage(code ?? raw);
  if (!code) return { reason: 'unsupported_target', details: { target: raw } };
  return { target: { code, script: LANGUAGE_SCRIPT[code] } };
}

/** Prompts mixing scripts (a Chinese question quoting English) go by the larger share of characters. */
async function promptLanguage(prompt: string): Promise<string | undefined> {
  const prose = stripNonProse(prompt);
  const cjk = (prose.match(CJK_RUN) ?? []).join('');
  const hangul = prose.match(HANGUL)?.length ?? 0;
  const letters = prose.replace(/[\s\p{P}\p{S}\p{N}]/gu, '').length;
  if (hangul * 2 > letters) return 'ko';
  if (cjk.length * 2 > letters) return hasKana(cjk) ? 'ja' : 'zh';
  const detector = await loadDetector();
  return detector.detect(prose).language || undefined;
}
