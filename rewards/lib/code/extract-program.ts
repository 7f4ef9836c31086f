/**
 * Finds the program in a completion: the last fenced block of the wanted
 * language, searched only after the reasoning (`</think>`) and inside the
 * `<answer>` region when there is one. Fences are scanned line by line, so
 * a ``` inside a string on the same line does not close a block.
 */
import type { SandboxLanguage } from '../../types.ts';
import { normalizeLanguage } from './languages.ts';

export interface ExtractedProgram {
  source: string;
  /** The language named by the fence tag, when it names one of ours. */
  language?: SandboxLanguage;
}

interface Fence {
  tag: string;
  body: string;
}

const OPENER = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

/** The part of a completion that holds its answer. */
function answerRegion(completion: string): string {
  const thinkEnd = completion.lastIndexOf('</think>');
  const text = thinkEnd >= 0 ? completion.slice(thinkEnd + '</think>'.length) : completion;
  const open = text.lastIndexOf('<answer>');
  if (open < 0) return text;
  const close = text.indexOf('</answer>', open);
  return text.slice(open + '<answer>'.length, close < 0 ? undefined : close);
}

/** Every fenced block, in order; an unclosed last block runs to the end of the text. */
function fencedBlocks(text: string): Fence[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Fence[] = [];
  let open: { marker: string; tag: string; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const match = OPENER.exec(line);
      if (match) open = { marker: match[1], tag: match[2], body: [] };
      continue;
    }
    const trimmed = line.trim();
    const closes = trimmed.length >= open.marker.length && trimmed === open.marker[0].repeat(trimmed.length);
    if (closes) {
      blocks.push({ tag: open.tag, body: open.body.join('\n') });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open) blocks.push({ tag: open.tag, body: open.body.join('\n') });
  return blocks;
}

/**
 * The last non-empty block tagged with `language` (or, when none is, the last
 * untagged one); without `language`, the last block tagged with any language
 * we run, else the last untagged one. `null` when the completion has no code.
 */
export function extractProgram(completion: string, language?: SandboxLanguage): ExtractedProgram | null {
  const blocks = fencedBlocks(answerRegion(completion)).filter((b) => b.body.trim() !== '');
  const tagged = blocks.filter((b) => {
    const lang = normalizeLanguage(b.tag);
    return language ? lang === language : lang !== undefined;
  });
  const pick = tagged.at(-1) ?? blocks.filter((b) => b.tag === '').at(-1);
  if (!pick) return null;
  const lang = normalizeLanguage(pick.tag);
  return lang ? { source: pick.body, language: lang } : { source: pick.body };
}
