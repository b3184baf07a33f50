/**
 * News that a message changed, for every replica's read cache: the gateway's own mutations, verified webhooks
 * and its polls publish it; the cache drops what it held of the message (and every list) on hearing it.
 */

/**
 * A change to message `sid`, `deleted` when it is gone (its media with it); or, with no sid, a message that may
 * have been added (a send whose outcome is unknown): every list is out of date.
 */
export type Invalidation = { sid: string; deleted: boolean } | { sid: null; deleted: false };

/** The channel of invalidations. */
export interface Invalidations {
  /**
   * Tells this replica's listeners before returning, and the other replicas as soon as the shared store carries
   * it. Never fails: while the shared store is away the others miss it, and their cache's life bounds how long
   * they may answer from before the change.
   */
  publish(change: Invalidation): void;
  /** Calls `listener` with every invalidation from now on, this replica's and the others'; returns the function that stops it. */
  subscribe(listener: (change: Invalidation) => void): () => void;
}

/** Invalidations within this process: all one replica needs. */
export class LocalInvalidations implements Invalidations {
  private readonly listeners = new Set<(change: Invalidation) => void>();

  publish(change: Invalidation): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: (change: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
