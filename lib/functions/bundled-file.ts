/**
 * Lists that grow with the platform (repositories, components) travel as JSON files in the
 * function's bundle (PlatformFunction `files`), named by an environment variable: Lambda caps the
 * whole environment at 4 KB. A relative name is the bundle's (the runtime's LAMBDA_TASK_ROOT).
 */
import { readFileSync } from 'fs';
import * as path from 'path';

export function bundledJson<T>(variable: string, file: string | undefined): T {
  if (!file) throw new Error(`environment variable ${variable} is not set`);
  return JSON.parse(readFileSync(path.resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), file), 'utf8')) as T;
}
