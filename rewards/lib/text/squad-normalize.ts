/**
 * SQuAD's `normalize_answer`, the exact-match normalisation of QA benchmarks
 * and of the search-R1 scorer verl ships (search_r1_like_qa_em.py): lower
 * case, ASCII punctuation (Python's string.punctuation) deleted, the articles
 * a / an / the replaced by a space, whitespace collapsed to single spaces.
 */

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's \b on str is Unicode-aware: a word character is a letter, a digit or _.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function squadNormalize(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ').split(/\s+/).filter(Boolean).join(' ');
}
