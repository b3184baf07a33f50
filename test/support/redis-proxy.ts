/**
 * A TCP proxy in front of the machine's Redis that a test can cut and restore: Redis "going away" for the
 * gateways behind it, without stopping the Redis every other test (and machine) uses.
 */
import { TEST_REDIS_URL } from './redis.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The proxy; its `url` is `redis://127.0.0.1:<port>`, to give a gateway as REDIS_URL. */
export type RedisProxy = TcpProxy;

export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(TEST_REDIS_URL);
  const proxy = await startTcpProxy(`http://${target.hostname}:${target.port || 6379}`);
  // Its methods are closures over the proxy, so a copy with another URL works the same.
  return { ...proxy, url: proxy.url.replace(/^http:/, 'redis:') };
}
