/** Before any test file: the build in dist/ is current, since every process a test starts (servers, pool workers, the CLI, sandbox children) runs it. */
import { execFileSync } from 'node:child_process';

export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { stdio: 'inherit' });
}
