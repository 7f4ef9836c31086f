/**
 * A chunk either engine's server refused as the input's fault (a 4xx): the
 * catalog code and message, and the group its first detail points into, so
 * score-groups.ts names that group's input line (and, for a missing
 * reference, the line's fields that look like one).
 */
import { CliError } from './jsonl.ts';

interface ErrorBody {
  code?: string;
  message?: string;
  details?: Array<{ pointer?: string }>;
}

export class RefusedRequest extends CliError {
  readonly code: string;
  /** The index in the chunk of the group the error points into, if it points into one. */
  readonly groupIndex?: number;

  /** `body`: the error's JSON body; `statusText` stands in for its message when it has none. */
  constructor(status: number, body: unknown, statusText = 'refused') {
    const { code, message, details } = (body !== null && typeof body === 'object' ? body : {}) as ErrorBody;
    super(`${code ?? `HTTP ${status}`}: ${message ?? statusText}`);
    this.code = code ?? `HTTP ${status}`;
    const group = /^\/groups\/(\d+)/.exec(details?.[0]?.pointer ?? '');
    if (group) this.groupIndex = Number(group[1]);
  }
}
