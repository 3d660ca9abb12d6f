/** Remembers a successful read only: a failed one (throttling, a secret not yet set) is retried by the next call. */
export function cacheSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () =>
    (cached ??= load().catch((e: unknown) => {
      cached = undefined;
      throw e;
    }));
}
