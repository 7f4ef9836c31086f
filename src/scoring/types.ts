/** The request and response of POST /v1/score, as TypeScript sees them (the schemas in schemas/ are the contract). */
export interface RewardSpec {
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

export interface GroupInput {
  id?: string;
  prompt?: string;
  reference?: unknown;
  metadata?: Record<string, unknown>;
  rewards?: RewardSpec[];
  completions: CompletionInput[];
}

export type AdvantageMethod = 'group' | 'batch' | 'none' | 'rloo';
export type Aggregation = 'sum_then_normalize' | 'normalize_then_sum';

export interface ScoreRequest {
  rewards?: RewardSpec[];
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

export interface ScoreResponse {
  groups: GroupReport[];
  rules: Record<string, RuleSummary>;
  timing: { total_ms: number; cells: number; unique_cells: number };
}
