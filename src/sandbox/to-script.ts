/**
 * Turns a JS or TS program into a classic script an isolate can run: types
 * stripped, and ES module syntax (which a script cannot hold) rewritten to
 * CommonJS, served by the harness's `require`/`module` shims. Runs in the
 * sandbox process, outside the isolate; sucrase only parses, never executes.
 */
import { transform, type Transform } from 'sucrase';
import type { SandboxLanguage } from '../../rewards/types.ts';

const MODULE_SYNTAX = /(^|[\s;])(import|export)\s*[\w{*'"]/m;

export function toScript(source: string, language: SandboxLanguage): { code: string } | { error: string } {
  const transforms: Transform[] = [];
  if (language === 'typescript') transforms.push('typescript');
  if (MODULE_SYNTAX.test(source)) transforms.push('imports');
  if (transforms.length === 0) return { code: source };
  try {
    return { code: transform(source, { transforms, disableESTransforms: true }).code };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
