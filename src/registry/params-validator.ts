/**
 * Checks a rule's params against its JSON Schema (ajv, defaults filled in)
 * once per request, before any cell runs. Errors carry JSON pointers into
 * the request body.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '../../rewards/types.ts';
import type { ErrorDetail } from '../errors.ts';

export interface ParamsValidator {
  /** Returns the params with defaults applied, or the problems found. */
  check(schema: JsonSchema, params: unknown, pointer: string): { params: Record<string, unknown> } | { errors: ErrorDetail[] };
  /** Throws when a schema itself is invalid (at start-up, or when a rule is registered). */
  compile(schema: JsonSchema): void;
}

export function createParamsValidator(): ParamsValidator {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  const compiled = new WeakMap<object, ValidateFunction>();
  const compile = (schema: JsonSchema) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema as object);
      compiled.set(schema, validate);
    }
    return validate;
  };
  return {
    compile(schema) {
      compile(schema);
    },
    check(schema, params, pointer) {
      const copy = structuredClone(params ?? {}) as Record<string, unknown>;
      const validate = compile(schema);
      if (validate(copy)) return { params: copy };
      const errors = (validate.errors ?? []).map((e) => {
        const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
        return { pointer: `${pointer}${e.instancePath}`, message: `${e.message ?? 'is invalid'}${extra}` };
      });
      return { errors };
    },
  };
}
