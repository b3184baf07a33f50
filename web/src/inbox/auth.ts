/**
 * The caller's API key, when the gateway wants one (GATEWAY_API_KEYS). Kept in sessionStorage: it lasts as long
 * as the tab, and is never written anywhere a later visitor of this browser profile would find it.
 */
const STORAGE_KEY = 'inbox.apiKey';

/** The saved key, or null. */
export function savedApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the app asks again
  }
}

/** Saves (or, with null, forgets) the key for this tab. */
export function saveApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the key lives only until the next reload.
  }
}

/** The Authorization header value for a key. */
export const bearer = (key: string | null): string | undefined => (key ? `Bearer ${key}` : undefined);
