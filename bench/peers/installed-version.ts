import fs from 'node:fs';
import path from 'node:path';

/** The installed version of a root dependency (read from node_modules: some packages do not export package.json). */
export function installedVersion(pkg: string): string {
  const file = path.join(__dirname, '..', '..', 'node_modules', ...pkg.split('/'), 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
