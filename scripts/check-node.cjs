// The first step of `npm start` and `npm test` (scripts/ensure-deps.sh): says plainly when the
// installed Node is not one package.json's engines accept, before anything fails obscurely.
// Runs on whatever Node is there, before npm dependencies exist: plain CommonJS, and a hand-made
// reading of the one range form engines uses ("^X.Y.Z || ^X.Y.Z") instead of the semver package.
'use strict';
const range = require('../package.json').engines.node;
const have = process.versions.node.split('.').map(Number);
const accepted = range.split('||').some((part) => {
  const m = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
  if (!m) throw new Error(`check-node: cannot read "${part.trim()}" in engines.node; expected ^X.Y.Z`);
  const [major, minor, patch] = m.slice(1).map(Number);
  return have[0] === major && (have[1] > minor || (have[1] === minor && have[2] >= patch));
});
if (!accepted) {
  console.error(
    `This project needs Node ${range} (package.json "engines"); ${process.execPath} is v${process.versions.node}.\n` +
      'Install Node 20.19+ or 24.11+ (for example from nodejs.org or your distribution) and run the command again.',
  );
  process.exit(1);
}
