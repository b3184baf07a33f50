/**
 * `npm start` as a process manager runs it: a signal to the npm process reaches the gateway, which drains
 * and exits; a busy port gives a one-line hint, not a stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cleanEnv, output, root } from '../support/processes.js';

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('npm start under a process manager', () => {
  it('drains and exits when the npm process gets SIGTERM, leaving nothing serving', async () => {
    const npm = spawn('npm', ['start'], { cwd: root, env: cleanEnv({ PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out = output(npm);
    try {
      const [, url] = await out.waitFor(/GraphQL gateway on (http:\/\/[\d.:]+)\/graphql/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(out.text()).toContain("WARNING: status callbacks (");
      npm.kill('SIGTERM');
      await out.waitFor(/SIGTERM: draining in-flight requests/);
      if (npm.exitCode === null) await once(npm, 'exit');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      npm.kill('SIGKILL');
    }
  }, 60_000);

  it.each([
    ['gateway', 'dist/main.js', 'PORT'],
    ['emulator', 'dist/emulator/main.js', 'EMULATOR_PORT'],
  ])('the %s says in one line that its port is taken', async (_name, script, variable) => {
    const { server, port } = await busyPort();
    try {
      const child = spawn(process.execPath, [script], { cwd: root, env: cleanEnv({ [variable]: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`port ${port} is already in use`)]);
      expect(stderr).toContain(`set ${variable} to another port`);
    } finally {
      server.close();
    }
  }, 30_000);
});
