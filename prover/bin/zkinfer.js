#!/usr/bin/env node
// zkinfer CLI entry. Needs Node >= 22.18 (TypeScript type stripping on by default);
// `npm install` puts a Node 22 binary first on PATH for npm scripts and `npx zkinfer`.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`zkinfer: needs Node >= 22.18, this is ${process.version}. Run it as \`npx zkinfer\` from the repo (npm installs Node 22 into node_modules/.bin).`);
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
