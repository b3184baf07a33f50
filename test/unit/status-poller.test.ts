/** The status-poll fallback: one poll per message however many watch it, published once, and nothing after the last watcher. */
import { statusPoller } from '../../src/graphql/status-poller.js';
import type { WireMessage } from '../../src/protocol/wire.js';
import { MemoryEventLog } from '../../src/state/event-log.js';
import { MemoryMessageSnapshots } from '../../src/state/message-snapshots.js';
import { MemoryStatusBoard } from '../../src/state/status-board.js';
import { LocalStatusEvents } from '../../src/state/status-events.js';
import { soleReplica, type PollLeases } from '../../src/state/poll-leases.js';
import { LocalInvalidations, type Invalidation } from '../../src/state/invalidations.js';
import { silentLogger } from '../../src/telemetry/log.js';
import type { TwilioMessages } from '../../src/twilio/messages.js';

const SID = 'SM' + 'c'.repeat(32);
const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

function setup(statuses: string[], leases: PollLeases = soleReplica) {
  let fetches = 0;
  const twilio = { fetchMessage: async () => ({ sid: SID, status: statuses[Math.min(fetches++, statuses.length - 1)], from: '+1', to: '+2' }) as WireMessage };
  const eventLog = new MemoryEventLog();
  const statusBoard = new MemoryStatusBoard();
  const snapshots = new MemoryMessageSnapshots();
  const invalidations = new LocalInvalidations();
  const invalidated: Invalidation[] = [];
  invalidations.subscribe((change) => invalidated.push(change));
  const poller = statusPoller({ twilio: () => twilio as unknown as TwilioMessages, statusEvents: new LocalStatusEvents(statusBoard, eventLog), snapshots, leases, invalidations, intervalMs: 10, logger: silentLogger });
  return { poller, eventLog, statusBoard, invalidated, fetches: () => fetches };
}

describe('statusPoller', () => {
  it('polls a message once however many watch it, and publishes each step once until it is final', async () => {
    const { poller, eventLog, invalidated, fetches } = setup(['sent', 'delivered']);
    const stops = [poller.watch(SID), poller.watch(SID), poller.watch(SID)];
    await until(() => (eventLog.after(null, 10) ?? []).some((e) => e.status === 'delivered'));
    expect((eventLog.after(null, 10) ?? []).map((e) => e.status)).toEqual(['sent', 'delivered']);
    expect(fetches()).toBe(2);
    // Each step it found also drops the cached answers about the message, on every replica.
    expect(invalidated).toEqual([{ sid: SID, deleted: false }, { sid: SID, deleted: false }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches()).toBe(2); // final: no more polls
    for (const stop of stops) stop();
  });

  it('does not ask Twilio while another replica holds the lease on the message', async () => {
    const asked: string[] = [];
    const { poller, fetches } = setup(['sent'], { acquire: (sid) => (asked.push(sid), false) });
    const stop = poller.watch(SID);
    await until(() => asked.length >= 2);
    stop();
    expect(asked[0]).toBe(SID);
    expect(fetches()).toBe(0);
  });

  it('stops polling when the last watcher goes', async () => {
    const { poller, fetches } = setup(['queued']);
    const [a, b] = [poller.watch(SID), poller.watch(SID)];
    a();
    await until(() => fetches() >= 1);
    b();
    const after = fetches();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fetches()).toBe(after);
  });
});
