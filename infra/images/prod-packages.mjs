// Prints the npm packages the Node services need at run time, one path a line, relative to the
// repository's node_modules (e.g. `@nestjs/core`, `express`, `a/node_modules/b`), outermost only:
// a package nested inside a listed one travels with it.
//
// It follows Node's own resolution from each service's package.json (and the root's
// "dependencies", which the services rely on through hoisting): dependencies, optional and peer
// dependencies that are installed; never devDependencies. Workspace libraries (@claims-mesh/*)
// are followed but not printed: the images carry them as dist + package.json, see build.sh.
// Usage: node prod-packages.mjs <repo root> <service>...
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const [rootArg, ...services] = process.argv.slice(2);
if (!rootArg || services.length === 0) {
  console.error('usage: prod-packages.mjs <repo root> <service>...');
  process.exit(2);
}
const root = realpathSync(rootArg);
const rootModules = join(root, 'node_modules');

function manifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Where `name` resolves from a package in `fromDir` (a real path): its node_modules, then each parent's. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dir === dirname(dir)) return undefined;
  }
}

const seen = new Set();
const packages = new Set();
const missing = [];

function visit(dir) {
  if (seen.has(dir)) return;
  seen.add(dir);
  const pkg = manifest(dir);
  const inNodeModules = dir.startsWith(rootModules + sep);
  if (inNodeModules) packages.add(relative(rootModules, dir));
  const required = Object.keys(pkg.dependencies ?? {});
  const optional = [...Object.keys(pkg.optionalDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  for (const name of required) {
    const found = resolvePackage(name, dir);
    if (found) visit(found);
    else missing.push(`${pkg.name} -> ${name}`);
  }
  for (const name of optional) {
    const found = resolvePackage(name, dir);
    if (found) visit(found);
  }
}

visit(root);
for (const service of services) visit(realpathSync(join(root, 'services', service)));

if (missing.length > 0) {
  console.error(`prod-packages: not installed: ${missing.join(', ')}`);
  process.exit(1);
}
// Outermost only: drop a package whose directory lies inside another listed one.
const sorted = [...packages].sort();
const outer = sorted.filter((path) => !sorted.some((other) => other !== path && path.startsWith(`${other}${sep}node_modules${sep}`)));
process.stdout.write(outer.map((path) => `${path}\n`).join(''));
