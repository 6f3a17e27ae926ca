// The mirror caches' generation. Sorting, linking and merging change what the caches hold; they
// bump this generation and every mirror of the process drops its caches before the next
// message. Other processes see the change within the caches' TTL: decided contacts and chats
// for 10 s, undecided ones (unsorted, not yet looked at) for UNDECIDED_TTL_MS only, and the
// sorting code sweeps the sorted chat again once that has passed (sorting.ts), so a message
// another process stored meanwhile is attached (or forgotten) too. A leaf module: the domains
// that bump it import nothing else here.
let generation = 0;

export function invalidateMirrorCaches(): void {
  generation++;
}

export const cacheGeneration = (): number => generation;

/**
 * How long a mirror trusts its cached view of a chat or contact nobody has sorted yet. Short:
 * long enough that a busy unsorted group costs no read per message, short enough that a sort
 * made in another process reaches that process's mirror within seconds.
 */
export const UNDECIDED_TTL_MS = 2_000;
