/** Lists that are sets: a repeated entry is refused at the entry itself, naming its first occurrence. */
import { z } from 'zod';

export function setOf<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).superRefine((items, ctx) => {
    const first = new Map<string, number>();
    items.forEach((x, i) => {
      const key = JSON.stringify(x);
      const earlier = first.get(key);
      if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `repeats ${what} [${earlier}]; each ${what} is listed once` });
      else first.set(key, i);
    });
  });
}
