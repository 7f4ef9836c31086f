// The layout of the code, checked by `npm test` (`npm run format` rewrites it). The options keep the
// style the code was written in: single quotes, semicolons, trailing commas wherever allowed, arrow
// parameters in parentheses; lines up to 160 characters, as the code's long table rows already ran.
// Prettier does not cut string literals: a longer line is a string (a description, a test's text).
export default {
  printWidth: 160,
  singleQuote: true,
};
