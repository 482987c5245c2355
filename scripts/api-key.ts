import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { ProblemError } from '../src/http/problem.js';
import { createApiKeySchema, ROLES } from '../src/modules/api-keys/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../src/modules/api-keys/service.js';
import { describeDatabase, fail, openMigrated, parseCommand } from './cli.js';

const USAGE = `Usage:
  npm run api-key -- create --name NAME --role ROLE   create a key; its secret is printed once
  npm run api-key -- list                             list keys (never their secrets)
  npm run api-key -- revoke ID                        revoke a key at once
Roles: ${ROLES.join(', ')}. The database is the one DATABASE_URL names (default ./data/ordipratique.sqlite).`;

const { values, command, rest, usage } = parseCommand(USAGE, ['name', 'role']);

async function main() {
  if (command === 'create') {
    if (rest.length) usage(`Unexpected argument: ${rest[0]}`);
    const input = createApiKeySchema.safeParse({ name: values.name, role: values.role });
    if (!input.success) usage(input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    const { config, db } = await openMigrated();
    const key = await createApiKey(db, input.data!);
    await db.close();
    console.log(`Created ${key.role} key "${key.name}" (id ${key.id}) in ${describeDatabase(config.databaseUrl)}.`);
    console.log('Its secret is shown this once only; store it now:\n');
    console.log(`  ${key.key}\n`);
    console.log('Use it as: Authorization: Bearer <secret>');
  } else if (command === 'list') {
    if (rest.length || values.name || values.role) usage('list takes no arguments');
    const { db } = await openMigrated();
    const keys = await listApiKeys(db);
    await db.close();
    if (keys.length === 0) return console.log('No API keys yet.');
    console.table(keys.map((k) => ({ id: k.id, name: k.name, role: k.role, prefix: k.keyPrefix, created: k.createdAt, revoked: k.revokedAt ?? '' })));
  } else if (command === 'revoke') {
    if (rest.length !== 1 || values.name || values.role) usage('revoke takes exactly one key id (see list)');
    const { db } = await openMigrated();
    try {
      await revokeApiKey(db, rest[0]);
      console.log(`Revoked key ${rest[0]}.`);
    } catch (error) {
      if (error instanceof ProblemError) fail(`${error.message}: nothing revoked.`);
      throw error;
    } finally {
      await db.close();
    }
  } else {
    usage(`Unknown command: ${command}`);
  }
}

await main();
