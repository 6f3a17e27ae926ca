// Every in-process cache of the project, on lru-cache (bounded by entries, optionally by age),
// made in one place: tests empty them all between tests (test/hooks.ts resetCaches), and
// nothing hand-rolls "clear the Map when it is too big".
import { LRUCache } from 'lru-cache';

export interface CacheOptions {
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /** Entries older than this (ms) are not returned (a `set` may give its own ttl). */
  ttl?: number;
}

type AnyCache = LRUCache<NonNullable<unknown>, NonNullable<unknown>>;
// Weak: a cache of an object that is gone (a test's mirror) leaves the registry with it.
const registry = new Set<{ name: string; ref: WeakRef<AnyCache> }>();
const gone = new FinalizationRegistry<{ name: string; ref: WeakRef<AnyCache> }>((entry) => registry.delete(entry));

/** A bounded cache, named for diagnostics; module caches and per-instance caches alike. */
export function createCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(name: string, opts: CacheOptions): LRUCache<K, V> {
  const cache = new LRUCache<K, V>({ max: opts.max, ttl: opts.ttl });
  const entry = { name, ref: new WeakRef(cache as unknown as AnyCache) };
  registry.add(entry);
  gone.register(cache, entry);
  return cache;
}

/** Empty every cache (tests, between tests). */
export function resetCaches(): void {
  for (const { ref } of registry) ref.deref()?.clear();
}

/** Entries per cache name (diagnostics). */
export function cacheSizes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { name, ref } of registry) {
    const c = ref.deref();
    if (c) out[name] = (out[name] ?? 0) + c.size;
  }
  return out;
}
