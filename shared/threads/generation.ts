// The mirror caches' generation. Sorting, linking and merging change what the caches hold; they
// bump this generation and every mirror of the process drops its caches before the next
// message. Other processes see the change within the caches' TTL (unsorted contacts and chats
// are never cached at all). A leaf module: the domains that bump it import nothing else here.
let generation = 0;

export function invalidateMirrorCaches(): void {
  generation++;
}

export const cacheGeneration = (): number => generation;
