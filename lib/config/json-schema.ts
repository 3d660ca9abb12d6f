/** JSON Schemas for editors (YAML language server), generated from the zod schema so they never drift. */
import { z } from 'zod';
import { PilotFileSchema, PlatformFileSchema } from './schema';

export const JSON_SCHEMA_FILES = {
  'platform.schema.json': PlatformFileSchema,
  'pilot.schema.json': PilotFileSchema,
} as const;

/** The schema file's text: input shape (defaults optional), cross-field checks are left to the loader. */
export function renderJsonSchema(schema: z.ZodType, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title, ...json }, null, 2)}\n`;
}
