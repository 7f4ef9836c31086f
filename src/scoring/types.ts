/** The request and response of POST /v1/score, as TypeScript sees them (the schemas in schemas/ are the contract). */
interface RewardSpec {
  id: string;
  name?: string;
  weight?: number;
  params?: Record<string, unknown>;
}

export interface Message {
  role: string;
  content: string;
}

export type CompletionInput = string | { content: string; completion_ids?: number[]; num_tokens?: number } | Message[];

/** A rule spec, or its id alone (`"math-answer"` = `{ "id": "math-answer" }`). */
export type RewardSpecInput = RewardSpec | string;

export interface GroupInput {
  id?: string;
  /** Text, or a conversation whose last user message is what rules read as the prompt. */
  prompt?: string | Message[];
  reference?: unknown;
  metadata?: Record<string, unknown>;
  rewards?: RewardSpecInput[];
  completions: CompletionInput[];
}

export type AdvantageMethod = 'group' | 'batch' | 'none' | 'rloo';
export type Aggregation = 'sum_then_normalize' | 'normalize_then_sum';

export interface ScoreRequest {
  rewards?: RewardSpecInput[];
  groups: GroupInput[];
  advantages?: { method?: AdvantageMethod; epsilon?: number };
  aggregation?: Aggregation;
  deadline_ms?: number;
}

export interface CellReport {
  score: number | null;
  reason?: string;
  details?: Record<string, unknown>;
  ms: number;
  version: string;
}

export interface CompletionReport {
  reward: number | null;
  rewards: Record<string, CellReport>;
  error?: string;
}

export interface GroupReport {
  id: string;
  completions: CompletionReport[];
  advantages: number[];
  mean: number | null;
  std: number | null;
  zero_std: boolean;
}

export interface RuleSummary {
  mean: number | null;
  scored: number;
  skipped: number;
  failed: number;
}

/** A rule that could not score (null) more than NULL_WARN_PERCENT of its cells in the batch. */
export interface BatchWarning {
  code: 'null_share';
  /** The rule's key in the results. */
  rule: string;
  nulls: number;
  cells: number;
  /** The most frequent reasons, most frequent first (at most 3). */
  reasons: Array<{ reason: string; count: number }>;
  message: string;
}

export interface ScoreResponse {
  groups: GroupReport[];
  rules: Record<string, RuleSummary>;
  warnings: BatchWarning[];
  timing: { total_ms: number; cells: number; unique_cells: number };
}
