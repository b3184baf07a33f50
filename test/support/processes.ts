/** Child processes in tests: a first-time user's environment, and waiting for what a process prints. */
import type { ChildProcess } from 'node:child_process';

/** The repository's root. */
export const root = new URL('../../', import.meta.url).pathname;

/** The environment of a first-time user: none of the test runner's or Twilio's variables. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TWILIO_|GATEWAY_|REDIS_|NODE_OPTIONS$|NODE_ENV$|PORT$|HOST$|PUBLIC_URL$|JEST_|npm_)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** What `child` prints (stdout and stderr), and a wait for a pattern in it. */
export function output(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp) => Promise<RegExpExecArray> } {
  let text = '';
  const waiters: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    text: () => text,
    waitFor: async (pattern) => {
      for (;;) {
        const match = pattern.exec(text);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}: ${text}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          child.once('exit', () => resolve());
        });
      }
    },
  };
}

