// Loads the pinned npm packages from local-infra/node/node_modules (ESM ignores NODE_PATH,
// so resolve files relative to this script or to $POWERLOOM_NODE_MODULES).
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const nodeModules = process.env.POWERLOOM_NODE_MODULES
  ?? path.resolve(here, '../../../../local-infra/node/node_modules');

export async function load(relativeFile) {
  return import(pathToFileURL(path.join(nodeModules, relativeFile)).href);
}

export function outFile(name) {
  return path.resolve(here, '../resources/vectors', name);
}
