/** Builds a handler's dependencies on the first call, so importing the module (in tests) needs no AWS SDK. */
export function lazy<E, R>(create: () => (event: E) => Promise<R>): (event: E) => Promise<R> {
  let handler: ((event: E) => Promise<R>) | undefined;
  return (event) => (handler ??= create())(event);
}
