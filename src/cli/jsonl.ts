/** JSONL files for the CLI: streamed line by line (inputs may be larger than memory), appended whole lines at a time. */
import fs from 'node:fs';
import readline from 'node:readline';

export interface JsonlLine {
  /** 1-based line number in the file. */
  line: number;
  value: Record<string, unknown>;
  /** The line as written (what JSON.parse read). */
  text: string;
}

export class CliError extends Error {}

/** Parses every non-blank line as a JSON object; a bad line is an error that names it. */
export async function* readJsonl(file: string): AsyncGenerator<JsonlLine> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CliError(`${file}:${line}: not JSON (${(error as Error).message})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${file}:${line}: expected a JSON object`);
    yield { line, value: value as Record<string, unknown>, text };
  }
}

/** Non-blank lines, for progress totals. */
export async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readJsonlRaw(file)) n++;
  return n;
}

async function* readJsonlRaw(file: string): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) if (text.trim() !== '') yield text;
}

/**
 * Ids of the groups an interrupted run already wrote. A last line cut short by
 * the interruption is removed, so appending continues on a clean line.
 */
export async function resumeFrom(file: string): Promise<Set<string>> {
  const done = new Set<string>();
  if (!fs.existsSync(file)) return done;
  const size = fs.statSync(file).size;
  const text = fs.readFileSync(file, 'utf8');
  const complete = text.lastIndexOf('\n') + 1;
  if (Buffer.byteLength(text.slice(0, complete)) !== size) fs.truncateSync(file, Buffer.byteLength(text.slice(0, complete)));
  for (const line of text.slice(0, complete).split('\n')) {
    if (line.trim() === '') continue;
    const id = (JSON.parse(line) as { id?: unknown }).id;
    if (typeof id === 'string') done.add(id);
  }
  return done;
}

/** Appends lines with one write call each batch, so a kill never leaves half a batch behind a whole line. */
export function createAppender(file: string) {
  const fd = fs.openSync(file, 'a');
  return {
    write(values: readonly unknown[]) {
      if (values.length > 0) fs.writeSync(fd, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
    },
    close: () => fs.closeSync(fd),
  };
}
