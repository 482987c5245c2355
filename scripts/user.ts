import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import { ProblemError } from '../src/http/problem.js';
import { ROLES } from '../src/modules/api-keys/schemas.js';
import { createUserSchema } from '../src/modules/users/schemas.js';
import { createUser, invitationPath, listUsers } from '../src/modules/users/service.js';
import { describeDatabase, fail, openMigrated, parseCommand } from './cli.js';

const USAGE = `Usage:
  npm run user -- create --email EMAIL --name NAME --role ROLE   create a staff user; prints a one-time invitation link (72 h)
  npm run user -- list                                           list staff users
Roles: ${ROLES.join(', ')}. The link uses PUBLIC_URL; the database is the one DATABASE_URL names.`;

const { values, command, rest, usage } = parseCommand(USAGE, ['email', 'name', 'role']);

async function main() {
  if (command === 'create') {
    if (rest.length) usage(`Unexpected argument: ${rest[0]}`);
    const input = createUserSchema.safeParse({ email: values.email, name: values.name, role: values.role });
    if (!input.success) usage(input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    const { config, db } = await openMigrated();
    try {
      const { user, token } = await createUser(db, input.data!, 'npm run user');
      console.log(`Created ${user.role} user ${user.name} <${user.email}> in ${describeDatabase(config.databaseUrl)}.`);
      console.log('Hand over this one-time link (valid 72 hours); the person chooses a password there:\n');
      console.log(`  ${config.publicUrl}${invitationPath(token)}\n`);
    } catch (error) {
      if (error instanceof ProblemError) fail(`${error.message}: nothing created.`);
      throw error;
    } finally {
      await db.close();
    }
  } else if (command === 'list') {
    if (rest.length) usage('list takes no arguments');
    const { db } = await openMigrated();
    const users = await listUsers(db);
    await db.close();
    if (users.length === 0) return console.log('No staff users yet.');
    console.table(users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, active: u.active, password: u.hasPassword })));
  } else {
    usage(`Unknown command: ${command}`);
  }
}

await main();
