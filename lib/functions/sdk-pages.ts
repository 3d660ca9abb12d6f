/**
 * The shape in which the edge handlers call the AWS SDK the Lambda runtime ships (loaded with
 * `require` on first use, so tests import the handlers without it), and paged listings.
 */

/** An SDK package: its `<Operation>Command` classes by name. */
export type Sdk = Record<string, new (input?: object) => unknown>;

export interface Client {
  send(command: unknown): Promise<Record<string, any>>;
}

/** Every page of a listing that answers `nextToken`. */
export async function pages<T>(call: (nextToken?: string) => Promise<Record<string, any>>, items: (page: Record<string, any>) => T[]): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(nextToken);
    all.push(...items(page));
    nextToken = page.nextToken as string | undefined;
  } while (nextToken);
  return all;
}
