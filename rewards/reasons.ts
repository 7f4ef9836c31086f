/**
 * The per-cell reason codes: every code a cell's `reason` can hold, whether the cell then has a score or
 * is `null`, what it means, and which rules emit it. docs/errors.md is generated from this table; a test
 * scans rewards/ and src/ for reason literals, so a code emitted anywhere must be listed here, and a code
 * listed here must still be emitted somewhere.
 */

export interface ReasonInfo {
  /** `null`: the cell could not be scored; `score`: the cell has a score (said in `meaning`); some codes come with either. */
  with: 'null' | 'score' | 'null or score';
  meaning: string;
  /** Built-in rule ids that emit it; `*` every rule (the machinery around rules); `composite` registered composite rules. */
  rules: readonly string[];
  /** The machinery failed (a deadline, a crash), not the rule: counted as `failed` in `rules`, never cached. */
  failure?: true;
  /** The run is set up wrong, not one completion: the Python client's `on_null="raise"` stops the step on it. */
  configuration?: true;
}

export const reasons = {
  // The machinery: any rule's cell
  error: {
    with: 'null',
    meaning: 'The rule threw, returned a non-finite or out-of-range score or a result that is not JSON, or its worker process died.',
    rules: ['*'],
    failure: true,
  },
  timeout: {
    with: 'null',
    meaning:
      "The cell's deadline passed (the rule's or `CELL_TIMEOUT_MS`: its worker is killed), or the request's `deadline_ms`, its client leaving or the server draining ended the request first.",
    rules: ['*'],
    failure: true,
  },
  skipped: { with: 'null', meaning: 'The rule returned `null` without saying why.', rules: ['*'] },
  no_completion: {
    with: 'null',
    meaning: "The completion has no text to score (a conversation without an `assistant` message: the completion's `error` says so).",
    rules: ['*'],
    configuration: true,
  },

  // Code sandbox (code-tests, js-function and registered `javascript` rules)
  sandbox_error: {
    with: 'null',
    meaning: 'The sandbox itself failed: its child process died or missed the cell deadline twice.',
    rules: ['code-tests', 'js-function'],
    failure: true,
  },
  sandbox_unavailable: {
    with: 'null',
    meaning: "No sandbox in this process, or the program's language is off here (Python without bubblewrap; `GET /readyz` says why).",
    rules: ['code-tests', 'js-function'],
    configuration: true,
  },
  bad_reference: {
    with: 'null',
    meaning: "The reference holds no usable tests, or its `assert_code` does not compile: the caller's mistake.",
    rules: ['code-tests'],
    configuration: true,
  },
  no_code: { with: 'score', meaning: 'The completion has no fenced program: 0.', rules: ['code-tests'] },
  compile_error: {
    with: 'null or score',
    meaning: "`code-tests`: every test failed because the program does not compile: 0. `js-function`: the rule's own source does not compile: `null`.",
    rules: ['code-tests', 'js-function'],
  },
  runtime_error: { with: 'null', meaning: '`score(sample)` threw.', rules: ['js-function'] },
  memory: { with: 'null', meaning: '`score(sample)` went over the memory limit (`SANDBOX_MEMORY_MB`).', rules: ['js-function'] },
  output_limit: { with: 'null', meaning: '`score(sample)` printed more than `SANDBOX_OUTPUT_BYTES`.', rules: ['js-function'] },
  bad_return: {
    with: 'null',
    meaning: '`score(sample)` returned something other than a finite number, `{ score, details }` or `null`.',
    rules: ['js-function'],
  },
  skipped_by_rule: { with: 'null', meaning: '`score(sample)` returned `null`: the rule chose not to judge.', rules: ['js-function'] },
  out_of_range: { with: 'null', meaning: "The score is outside the rule's declared `range`; it is never clamped.", rules: ['js-function', 'composite'] },

  // Registered composite rules
  sub_rule_null: {
    with: 'null',
    meaning: 'A sub-rule the formula (or a gate) needs is `null`; `details.rule` and `details.reason` say which and why.',
    rules: ['composite'],
  },
  formula_error: { with: 'null', meaning: 'The formula gave no finite number (a division by zero).', rules: ['composite'] },

  // math-answer (the math engine)
  match: { with: 'score', meaning: 'The final answer equals the gold: 1 (`details.path` says how).', rules: ['math-answer'] },
  mismatch: { with: 'score', meaning: 'The final answer is not equal to the gold: 0.', rules: ['math-answer'] },
  no_answer: {
    with: 'score',
    meaning: 'No answer could be found in the completion (for string-check, `extract.pattern` found nothing): 0.',
    rules: ['math-answer', 'string-check'],
  },
  unparsable_answer: { with: 'score', meaning: 'The answer is no math the parser reads (two numbers side by side, broken LaTeX): 0.', rules: ['math-answer'] },
  answer_limit_exceeded: {
    with: 'score',
    meaning: 'The answer alone is over a guard rail or the work budget: 0 (a `null` would let a policy trade a likely 0 for no gradient).',
    rules: ['math-answer'],
  },
  unparsable_gold: {
    with: 'null',
    meaning: 'The gold cannot be read (an ellipsis, broken LaTeX); only the very same text would have matched it.',
    rules: ['math-answer'],
  },
  no_gold_answer: { with: 'null', meaning: 'The dataset row has no answer to compare with (a NuminaMath `proof` or `notfound`).', rules: ['math-answer'] },
  limit_exceeded: { with: 'null', meaning: 'The gold itself is over a guard rail or the work budget.', rules: ['math-answer'] },

  // Format rules
  missing_think: { with: 'score', meaning: 'No `<think>` block: 0.', rules: ['think-format'] },
  text_before_think: { with: 'score', meaning: 'Text comes before `<think>`: 0.', rules: ['think-format'] },
  unclosed_think: { with: 'score', meaning: '`<think>` is never closed: 0.', rules: ['think-format'] },
  nested_think: { with: 'score', meaning: 'A `<think>` inside another: 0.', rules: ['think-format'] },
  multiple_think: { with: 'score', meaning: 'More than one `<think>` block: 0.', rules: ['think-format'] },
  unbalanced_tags: {
    with: 'score',
    meaning: 'A closing tag before its opening one, a stray `</think>`, or `<answer>` tags that do not pair up: 0.',
    rules: ['think-format'],
  },
  answer_inside_think: { with: 'score', meaning: 'The `<answer>` block is inside the thinking: 0.', rules: ['think-format'] },
  missing_answer_tag: {
    with: 'score',
    meaning: 'No `<answer>` block after `</think>` where one is needed (`answer_tag`, or other `<answer>` tags present), or text between `</think>` and it: 0.',
    rules: ['think-format'],
  },
  text_after_answer: { with: 'score', meaning: 'Text follows `</answer>`: 0.', rules: ['think-format'] },
  empty_think: {
    with: 'score',
    meaning: 'The thinking has fewer visible characters or words than `min_think_chars` / `min_think_words`: 0.',
    rules: ['think-format'],
  },
  empty_answer: { with: 'score', meaning: 'Nothing after `</think>`: 0.', rules: ['think-format'] },
  answer_only_in_think: { with: 'score', meaning: 'Nothing after `</think>`, and the answer was written inside the thinking: 0.', rules: ['think-format'] },

  // Language consistency
  no_target: {
    with: 'null',
    meaning: 'No target language: no `metadata.language`, `target` code, prompt with enough words, `default_language` or dominant batch language.',
    rules: ['language-consistency'],
  },
  unsupported_target: { with: 'null', meaning: 'The target is not a language code the rule knows.', rules: ['language-consistency'] },
  too_few_words: { with: 'score', meaning: 'Fewer counted words than `min_words`: 0.', rules: ['language-consistency'] },

  // Length shaping and repetition
  missing_verdict: { with: 'null', meaning: '`correct_from` names a rule that is not in the request.', rules: ['cosine-length', 'length'] },
  verdict_null: { with: 'null', meaning: 'The rule `correct_from` names could not score this completion.', rules: ['cosine-length', 'length'] },
  unverifiable: {
    with: 'null',
    meaning: 'With `correct_from: reference`, the math engine could read none of the references.',
    rules: ['cosine-length', 'length'],
  },
  no_group: {
    with: 'null',
    meaning: 'The rule compares lengths within a group and was called without one (`POST /v1/rewards/{id}/try` on a single sample).',
    rules: ['length'],
  },
  no_token_ids: { with: 'null', meaning: "`units: 'tokens'` and the completion came without `completion_ids`.", rules: ['repetition-penalty'] },
  no_token_counts: { with: 'null', meaning: '`require_tokens` and the completion came without `completion_ids` or `num_tokens`.', rules: ['overlong-penalty'] },

  // String rules
  no_reference: {
    with: 'null',
    meaning: 'No usable reference (none, or not a letter or index for `multiple-choice`).',
    rules: ['cosine-length', 'length', 'multiple-choice', 'string-check', 'text-similarity'],
    configuration: true,
  },
  no_pattern: { with: 'null', meaning: 'Neither the `pattern` param nor the reference gives a pattern.', rules: ['regex-match'], configuration: true },
  pattern_too_long: { with: 'null', meaning: 'The pattern taken from the reference is over 1,000 characters.', rules: ['regex-match'], configuration: true },
  invalid_pattern: {
    with: 'null',
    meaning: 'RE2 refuses the pattern (backreferences, lookaround, counted repeats over 1,000); `details.message` is its message.',
    rules: ['regex-match', 'string-check'],
    configuration: true,
  },
  input_too_long: { with: 'null', meaning: 'The text to read is longer than `max_input_chars`.', rules: ['regex-match', 'text-similarity'] },
  no_choice: { with: 'score', meaning: 'No letter was picked (a ruled-out letter is no choice): 0.', rules: ['multiple-choice'] },
  multiple_choices: { with: 'score', meaning: 'Several different letters: a hedge, 0.', rules: ['multiple-choice'] },
  wrong_choice: { with: 'score', meaning: 'The picked letter is not the reference: 0.', rules: ['multiple-choice'] },
} as const satisfies Record<string, ReasonInfo>;

/** What a completion's own `error` can say; its cells are then `null` with `no_completion`. */
export const completionErrors = {
  no_assistant_message: 'The completion is a conversation with no `assistant` message to score.',
} as const;

/** Reasons that mean the machinery failed rather than that the rule could not judge. */
export const failureReasons: ReadonlySet<string> = new Set(Object.entries(reasons).flatMap(([code, info]) => ('failure' in info ? [code] : [])));
