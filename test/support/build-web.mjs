/**
 * Jest's global setup: the inbox and the explorer are built (when stale) before any test starts a gateway, so the
 * browser tests and the landing-page tests see the current build, and no two tests build at once.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildWeb() {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../web/build.mjs', import.meta.url)), '--strict'], { stdio: 'inherit' });
}
