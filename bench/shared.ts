/** What the benchmark's processes share: the account they pretend to be, and how a child says it is ready. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_ACCOUNT_SID = 'AC' + 'b'.repeat(32);
export const BENCH_AUTH_TOKEN = 'bench-auth-token';
/** A message SID the stub knows. */
export const BENCH_MESSAGE_SID = 'SM' + '7'.repeat(32);

/** Prints the line the orchestrator waits for. */
export function announce(server: Server): void {
  const { port } = server.address() as AddressInfo;
  console.log(`READY http://127.0.0.1:${port}`);
}
