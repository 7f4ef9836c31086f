/**
 * Whether a line outside any fence reads as code: it opens with a keyword in
 * the shape code gives it (`def f(`, `for … :`, `const x =`, `int x;`,
 * `import numpy`, `return …`), assigns to a name (`total = sum(nums)`), is a
 * bare call (`print(x)`), a comment, SQL, a shell or REPL prompt, a JSON
 * member, or ends with `;` or `{` beside code punctuation. Keywords are matched case-sensitively: prose opens
 * sentences with capitals ("Return to step 2", "Let x be").
 */
const CODE_LINE: readonly RegExp[] = [
  /^(?:def|class)\s+\w+\s*[(:]/,
  /^(?:import\s+[\w.]+|from\s+[\w.]+\s+import\s)/,
  /^(?:return|yield|raise|assert|del|pass|break|continue)\b/,
  /^(?:for|while|if|elif|else|try|except|finally|with|switch|case|do)\b.*[:{]\s*$/,
  /^(?:const|let|var)\s+[\w$]+\s*[=:;]/,
  /^(?:function|fn|func|def|public|private|protected|static|package|using|namespace|template|struct|impl|pub)\s+[\w<]/,
  /^(?:int|void|long|double|float|char|bool|auto|size_t|string|std::\w+)\s+[\w*&]+\s*[(=;,[]/,
  /^#(?:include|define|pragma|if|endif)\b/,
  /^(?:\/\/|\/\*|\*\/|--\s|#!)/,
  /^(?:SELECT|INSERT|UPDATE|DELETE|CREATE)\s.*\b(?:FROM|INTO|SET|TABLE|WHERE)\b/,
  /^[\w.$[\]]+\s*(?:[-+*/%|&^]|\/\/|\*\*)?=(?!=)\s*\S/, // assignment to a name: total = ..., x += 1
  /^[\w.$]+\(.*\)\s*;?$/, // a bare call: print(x), console.log(sum);
  /^[}\])]+[;,)]*$/, // closing brackets alone
  /^(?:\$|>>>)\s+\S/, // a shell or REPL prompt: $ npm install, >>> f(2) (not "...": prose trails off with it)
  /^"[^"\n]*"\s*:\s*\S/, // a JSON member: "name": "Alice",
  /^\w+!\(/, // a Rust macro call: println!(...)
];
const ENDS_LIKE_CODE = /[;{]$/;
const CODE_PUNCTUATION = /[(){}[\]=<>]/;

export function isCodeLine(line: string): boolean {
  const t = line.trim();
  if (t === '') return false;
  if (ENDS_LIKE_CODE.test(t) && CODE_PUNCTUATION.test(t)) return true;
  return CODE_LINE.some((pattern) => pattern.test(t));
}
