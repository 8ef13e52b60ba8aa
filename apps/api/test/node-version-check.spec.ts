import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The first step of `npm start` and `npm test` (scripts/ensure-deps.sh) refuses a Node outside
// package.json's engines with a message that says what to install, instead of an obscure failure
// later. The script is run on this Node made to report another version.
const CHECK = path.resolve(__dirname, '../../../scripts/check-node.cjs');

function checkAs(version: string) {
  const pretend = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });`;
  return spawnSync(process.execPath, ['-e', `${pretend} require(${JSON.stringify(CHECK)})`], { encoding: 'utf8' });
}

describe('the Node version check', () => {
  it.each(['20.19.0', '20.20.2', '24.11.0', '24.22.3'])('accepts %s silently', (version) => {
    expect(checkAs(version)).toMatchObject({ status: 0, stderr: '' });
  });

  it.each(['18.19.1', '20.18.3', '22.12.0', '24.10.0', '25.0.0'])('refuses %s, naming the versions it needs', (version) => {
    const r = checkAs(version);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`needs Node ^20.19.0 || ^24.11.0 (package.json "engines"); ${process.execPath} is v${version}`);
  });
});
