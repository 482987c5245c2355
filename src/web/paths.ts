import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `src/web` (views and assets), found from here under tsx or from `dist/src/web` once compiled. */
export const WEB_DIR = findWebDir();

function findWebDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [here, path.resolve(here, '../../../src/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'views', 'layout.eta'))) ?? candidates[0];
}
