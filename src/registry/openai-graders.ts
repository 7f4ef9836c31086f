/**
 * OpenAI grader JSON (string_check, text_similarity, and a regex grader in the
 * same style), accepted as-is and mapped onto the built-in rules
 * `string-check`, `text-similarity` and `regex-match`. Templates: `input` must
 * be `{{sample.output_text}}` (the completion); `reference` is
 * `{{item.<field>}}`, which reads the group's `reference` (send that field's
 * value there, a string or a list of strings), or a literal string.
 */
import { invalidRule } from './rule-definition.ts';

const builtinFor = { 'string-check': 'string-check', 'text-similarity': 'text-similarity', regex: 'regex-match' } as const;
const graderType = { 'string-check': 'string_check', 'text-similarity': 'text_similarity', regex: 'regex' } as const;

const outputText = /^\s*\{\{\s*sample\.output_text\s*\}\}\s*$/;
const itemField = /^\s*\{\{\s*item(\.[A-Za-z_][A-Za-z0-9_]*)*\s*\}\}\s*$/;

/** `{{item.<field>}}` -> the group's reference (no param); a literal -> `{ reference: literal }`. */
function referenceParams(template: string): Record<string, unknown> {
  if (itemField.test(template)) return {};
  if (template.includes('{{'))
    throw invalidRule('/grader/reference', `template ${JSON.stringify(template)} is not supported; use {{item.<field>}} or a literal`);
  return { reference: template };
}

export function fromOpenAiGrader(kind: keyof typeof builtinFor, grader: Record<string, unknown>): { rule: string; params: Record<string, unknown> } {
  if (grader.type !== graderType[kind]) throw invalidRule('/grader/type', `must be "${graderType[kind]}" for kind ${kind}`);
  const input = typeof grader.input === 'string' ? grader.input : '{{sample.output_text}}';
  if (!outputText.test(input)) throw invalidRule('/grader/input', 'only {{sample.output_text}} (the completion) is supported');
  const reference = typeof grader.reference === 'string' ? referenceParams(grader.reference) : {};
  switch (kind) {
    case 'string-check':
      return { rule: builtinFor[kind], params: { operation: grader.operation, ...reference } };
    case 'text-similarity': {
      if ('reference' in reference) throw invalidRule('/grader/reference', "must be {{item.<field>}}: text-similarity compares with the group's reference");
      const params: Record<string, unknown> = { evaluation_metric: grader.evaluation_metric };
      if (grader.pass_threshold !== undefined) params.pass_threshold = grader.pass_threshold;
      return { rule: builtinFor[kind], params };
    }
    case 'regex': {
      const params: Record<string, unknown> = { pattern: grader.pattern };
      if (grader.flags !== undefined) params.flags = grader.flags;
      if (grader.full_match !== undefined) params.full_match = grader.full_match;
      return { rule: builtinFor[kind], params };
    }
  }
}
