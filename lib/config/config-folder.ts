/**
 * Which files of a platform config folder are read (README "The config" states the same rule):
 * `<dir>/platform.yaml` and every `<dir>/pilots/<pilot>.yaml`. In `pilots/`, names starting with `.`
 * (hidden files, editor swap and lock files, macOS `._*` and `.DS_Store`) and names ending in `~`
 * (editor backups) are skipped; anything else must be a regular file named `<pilot>.yaml`.
 * Symbolic links are refused: a link can point outside the folder or nowhere, and the folder is
 * what gets reviewed. Problems are returned, never thrown.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem } from './config-error';
import { escapeText } from './escape-text';

export const PLATFORM_FILE = 'platform.yaml';
export const PILOTS_DIR = 'pilots';
export const PILOT_FILE_EXTENSION = '.yaml';

export interface ConfigFile {
  readonly file: string;
  readonly bytes: Buffer;
}

export interface ConfigFolder {
  readonly platform?: ConfigFile;
  /** Pilot files in file-name order. */
  readonly pilots: readonly ConfigFile[];
  readonly problems: readonly ConfigProblem[];
}

/** True for the names in `pilots/` that are skipped by rule, not read. */
export function isSkippedPilotEntry(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~');
}

export function readConfigFolder(dir: string): ConfigFolder {
  const problems: ConfigProblem[] = [];
  const problem = (file: string, message: string) => problems.push({ file, path: '', message });
  const layout = `a platform config folder holds ${PLATFORM_FILE} and ${PILOTS_DIR}/<pilot>${PILOT_FILE_EXTENSION}`;
  const folder = statOf(dir);
  if (!folder || !folder.isDirectory()) {
    problem(dir, folder ? `is not a folder; ${layout}` : `not found: ${layout}`);
    return { pilots: [], problems };
  }
  const platformPath = path.join(dir, PLATFORM_FILE);
  const platform = readRegularFile(platformPath, layout, problem);

  const pilotsDir = path.join(dir, PILOTS_DIR);
  const pilotsStat = lstatOf(pilotsDir);
  const pilots: ConfigFile[] = [];
  if (pilotsStat?.isSymbolicLink()) problem(pilotsDir, 'is a symbolic link; make it a real folder of pilot files');
  else if (pilotsStat && !pilotsStat.isDirectory()) problem(pilotsDir, `is not a folder; ${layout}`);
  else if (pilotsStat) {
    const names = listFolder(pilotsDir, problem).filter((n) => !isSkippedPilotEntry(n)).sort();
    for (const name of names) {
      const file = path.join(pilotsDir, name);
      if (!name.endsWith(PILOT_FILE_EXTENSION) || name === PILOT_FILE_EXTENSION) {
        problem(
          path.join(pilotsDir, escapeText(name)),
          `is not a pilot file: ${PILOTS_DIR}/ holds only <pilot>${PILOT_FILE_EXTENSION} files (names starting with . or ending with ~ are skipped)`,
        );
        continue;
      }
      const read = readRegularFile(file, layout, problem);
      if (read) pilots.push(read);
    }
  }
  return { platform, pilots, problems };
}

function readRegularFile(file: string, layout: string, problem: (file: string, message: string) => void): ConfigFile | undefined {
  const stat = lstatOf(file);
  if (!stat) return void problem(file, `not found: ${layout}`);
  if (stat.isSymbolicLink()) return void problem(file, 'is a symbolic link; config files must be regular files inside the folder');
  if (!stat.isFile()) return void problem(file, `is a ${kindOf(stat)}, not a regular file`);
  try {
    return { file, bytes: fs.readFileSync(file) };
  } catch (e) {
    return void problem(file, `cannot be read (${errorCode(e)})`);
  }
}

function listFolder(dir: string, problem: (file: string, message: string) => void): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    problem(dir, `cannot be listed (${errorCode(e)})`);
    return [];
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'folder';
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isSocket()) return 'socket';
  return 'device';
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
