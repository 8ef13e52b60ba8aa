import path from 'node:path';

/** Where the published JSON Schema lives: experiments/ at the repository root, beside the shipped files. */
export const JSON_SCHEMA_FILE = path.resolve(__dirname, '../../../experiments/experiment.schema.json');
