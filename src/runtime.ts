/**
 * The oldest Node.js major version the service runs on; package.json's `engines` says the same
 * (a test keeps the two equal). 24 is the LTS line that CI, the Docker image and the benchmarks
 * run; better-sqlite3 13 and Kysely 0.29 need 22 at least, and no one tests on 22.
 *
 * Imported first by the entry points (`src/server.ts`, `scripts/cli.ts`): on an older Node the
 * process stops here with a message, before a native module built for another Node fails
 * with an ABI error, or worse, half works.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** Why this Node cannot run the service, or null when it can. */
export function nodeVersionProblem(version: string): string | null {
  if (Number(version.split('.')[0]) >= REQUIRED_NODE_MAJOR) return null;
  return [
    `Ordi'Pratique tracker needs Node.js ${REQUIRED_NODE_MAJOR} or later; this is Node.js ${version} (${process.execPath}).`,
    `Install Node.js ${REQUIRED_NODE_MAJOR} LTS, or on Linux run \`source scripts/node24.sh\` in this checkout: it fetches Node ${REQUIRED_NODE_MAJOR} from the npm registry for this shell.`,
  ].join('\n');
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
