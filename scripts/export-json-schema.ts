/** `npm run schema`: writes schema/*.schema.json from lib/config/schema.ts. */
import * as fs from 'fs';
import * as path from 'path';
import { JSON_SCHEMA_FILES, renderJsonSchema } from '../lib/config/json-schema';

const outDir = path.join(__dirname, '..', 'schema');
fs.mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(JSON_SCHEMA_FILES)) {
  fs.writeFileSync(path.join(outDir, file), renderJsonSchema(schema, file.replace('.schema.json', ' config')));
  console.log(`wrote schema/${file}`);
}
