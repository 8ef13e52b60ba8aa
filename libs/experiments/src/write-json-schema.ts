/** Writes experiments/experiment.schema.json from the zod schema: npm run experiment:schema. */
import fs from 'node:fs';
import { experimentJsonSchema } from './experiment.schema';
import { JSON_SCHEMA_FILE } from './json-schema-file';

fs.writeFileSync(JSON_SCHEMA_FILE, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${JSON_SCHEMA_FILE}`);
