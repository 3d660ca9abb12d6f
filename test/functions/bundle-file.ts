import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A JSON data file as PlatformFunction `files` puts it beside a handler; its absolute path. */
export function bundleFile(name: string, content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-bundle-'));
  fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
  return path.join(dir, name);
}
