#!/usr/bin/env node
// The `verdict` command: registers tsx in this process (no build step, and no second process that a
// signal could orphan), then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
