/**
 * The operator CLI: `npm run crm -- <command>`. Every command has `--help`. Errors print one line and exit 1.
 */
import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, scopesSchema } from '@/server/admin/api-keys';
import { listAudit } from '@/server/admin/audit';
import { cliActor, describeCliError, formatTable } from '@/server/admin/cli-support';
import { AdminError, parseInput } from '@/server/admin/errors';
import { parseJsonl, type JsonlReject } from '@/server/admin/jsonl';
import { createTenant, listTenants } from '@/server/admin/tenants';
import { createUser, findUserIdByEmail, listUsers, removeUser, setUserRole } from '@/server/admin/users';
import { createDb, type Database, type Tx } from '@/server/db/client';
import { withSystemScope, withTenant } from '@/server/db/scope';
import { DEAD_LETTER_REASONS, ROLES } from '@/server/db/schema';
import { listDeadLetters, retryDeadLetters } from '@/server/dead-letters/store';
import { createPublisher, type Publisher } from '@/server/events/publisher';

// ---------------------------------------------------------------------------------------------------------------
// Connections are opened on first use and always closed, so every command exits as soon as it is done.

let database: Database | undefined;
let publisher: Publisher | undefined;

function db(): Database {
  database ??= createDb({ max: 2 });
  return database;
}

function queue(): Publisher {
  publisher ??= createPublisher();
  return publisher;
}

/** A command about one tenant runs in that tenant's scope (row-level security), like the app. */
function inTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(db(), tenantId, fn);
}

/** Commands across tenants (the tenant list, dead letters of every club or of none) use the system scope. */
function acrossTenants<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSystemScope(db(), fn);
}

async function closeConnections() {
  await Promise.allSettled([database?.$client.end({ timeout: 2 }), publisher?.close()]);
}

/** Runs a command's body; any error becomes one line on stderr and exit code 1. */
function action<Args extends unknown[]>(body: (...args: Args) => Promise<void>) {
  return async (...args: Args) => {
    try {
      await body(...args);
    } catch (error) {
      console.error(`error: ${describeCliError(error)}`);
      process.exitCode = 1;
    }
  };
}

function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ npm run crm -- ${l}`).join('\n')}`;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AdminError('invalid_input', `"${value}" is not a positive whole number`);
  return n;
}

const program = new Command('crm')
  .description('Clubhouse CRM operator commands: tenants, staff users, API keys, events and dead letters.')
  // Usage mistakes stay on one line, like every other error.
  .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) });

// ---------------------------------------------------------------------------------------------------------------
// tenant

const tenant = program.command('tenant').description('Create and list tenants (clubs)');

tenant
  .command('create <tenantId>')
  .description('Create a tenant, or update its name and country if it exists (safe to run again)')
  .requiredOption('--name <name>', 'display name of the club')
  .option('--country <code>', 'ISO 3166 country code: the default country for local phone numbers', 'ZA')
  .option('--time-zone <zone>', 'IANA time zone (default: the country’s, e.g. Africa/Johannesburg)')
  .addHelpText('after', examples('tenant create kloof-gc --name "Kloof Golf Club" --country ZA'))
  .action(
    action(async (tenantId: string, opts: { name: string; country: string; timeZone?: string }) => {
      const { tenant: t, created } = await inTenant(tenantId, (tx) =>
        createTenant(tx, { id: tenantId, name: opts.name, country: opts.country, timeZone: opts.timeZone, actor: cliActor() }),
      );
      console.log(`${created ? 'Created' : 'Updated'} tenant ${t.id} — ${t.name} (${t.country}, ${t.timeZone})`);
    }),
  );

tenant
  .command('list')
  .description('List all tenants')
  .addHelpText('after', examples('tenant list'))
  .action(
    action(async () => {
      const rows = await acrossTenants((tx) => listTenants(tx));
      if (rows.length === 0) return console.log('No tenants yet. Create one with: npm run crm -- tenant create <id> --name <name>');
      console.log(
        formatTable(rows, [
          { header: 'ID', value: (r) => r.id },
          { header: 'NAME', value: (r) => r.name },
          { header: 'COUNTRY', value: (r) => r.country },
          { header: 'TIME ZONE', value: (r) => r.timeZone },
          { header: 'CREATED', value: (r) => r.createdAt },
        ]),
      );
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// user

const user = program.command('user').description('Manage staff users of a tenant');
const roleOption = () => new Option('--role <role>', 'role in the tenant').choices(ROLES).makeOptionMandatory();

user
  .command('create')
  .description('Create a staff user (or update an existing one’s role/password) in a tenant')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .requiredOption('--email <email>', 'sign-in email (case-insensitive)')
  .addOption(roleOption())
  .option('--password <password>', 'password, at least 8 characters (omit for single sign-on users)')
  .option('--name <name>', 'display name (default: from the email)')
  .addHelpText('after', examples('user create --tenant kloof-gc --email manager@kloof.example.org --role admin --password "long secret"'))
  .action(
    action(async (opts: { tenant: string; email: string; role: (typeof ROLES)[number]; password?: string; name?: string }) => {
      const { user: u, created, membershipCreated } = await inTenant(opts.tenant, (tx) =>
        createUser(tx, {
          tenantId: opts.tenant,
          email: opts.email,
          role: opts.role,
          password: opts.password,
          name: opts.name,
          actor: cliActor(),
        }),
      );
      const what = created ? 'Created user' : membershipCreated ? 'Added existing user' : 'Updated user';
      console.log(`${what} ${u.email} — ${u.role} in ${opts.tenant}`);
    }),
  );

user
  .command('list')
  .description('List the staff users of a tenant')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .addHelpText('after', examples('user list --tenant kloof-gc'))
  .action(
    action(async (opts: { tenant: string }) => {
      const rows = await inTenant(opts.tenant, (tx) => listUsers(tx, { tenantId: opts.tenant }));
      if (rows.length === 0) return console.log(`No users in ${opts.tenant}.`);
      console.log(
        formatTable(rows, [
          { header: 'EMAIL', value: (r) => r.email },
          { header: 'NAME', value: (r) => r.name },
          { header: 'ROLE', value: (r) => r.role },
          { header: 'CREATED', value: (r) => r.createdAt },
          { header: 'DISABLED', value: (r) => r.disabledAt ?? '' },
        ]),
      );
    }),
  );

user
  .command('role')
  .description('Change a user’s role in a tenant (a tenant always keeps one admin)')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .requiredOption('--email <email>', 'the user’s email')
  .addOption(roleOption())
  .addHelpText('after', examples('user role --tenant kloof-gc --email sipho@kloof.example.org --role marketing'))
  .action(
    action(async (opts: { tenant: string; email: string; role: (typeof ROLES)[number] }) => {
      const u = await inTenant(opts.tenant, async (tx) => {
        const userId = await findUserIdByEmail(tx, { tenantId: opts.tenant, email: opts.email });
        return setUserRole(tx, { tenantId: opts.tenant, userId, role: opts.role, actor: cliActor() });
      });
      console.log(`${u.email} is now ${u.role} in ${opts.tenant}`);
    }),
  );

user
  .command('remove')
  .description('Remove a user from a tenant (their account and other tenants are kept)')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .requiredOption('--email <email>', 'the user’s email')
  .addHelpText('after', examples('user remove --tenant kloof-gc --email sipho@kloof.example.org'))
  .action(
    action(async (opts: { tenant: string; email: string }) => {
      await inTenant(opts.tenant, async (tx) => {
        const userId = await findUserIdByEmail(tx, { tenantId: opts.tenant, email: opts.email });
        await removeUser(tx, { tenantId: opts.tenant, userId, actor: cliActor() });
      });
      console.log(`Removed ${opts.email.trim().toLowerCase()} from ${opts.tenant}`);
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// api-key

const apiKey = program.command('api-key').description('Manage API keys of a tenant');

apiKey
  .command('create')
  .description('Create an API key; it is printed once, alone on the last line')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .requiredOption('--scopes <scopes>', 'comma-separated: crm:read, crm:write, crm:admin')
  .option('--name <name>', 'what the key is for', 'CLI key')
  .addHelpText('after', examples('api-key create --tenant kloof-gc --scopes crm:read,crm:write --name "Website sync"'))
  .action(
    action(async (opts: { tenant: string; scopes: string; name: string }) => {
      const { scopes } = parseInput(z.object({ scopes: scopesSchema }), {
        scopes: opts.scopes.split(',').map((s) => s.trim()).filter(Boolean),
      });
      const created = await inTenant(opts.tenant, (tx) =>
        createApiKey(tx, { tenantId: opts.tenant, name: opts.name, scopes, createdBy: cliActor() }),
      );
      console.log(`Created API key ${created.id} (${created.prefix}…) for ${opts.tenant} with ${scopes.join(', ')}.`);
      console.log('Store it now: it cannot be shown again.');
      console.log(created.key);
    }),
  );

apiKey
  .command('list')
  .description('List a tenant’s API keys (never the keys themselves)')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .addHelpText('after', examples('api-key list --tenant kloof-gc'))
  .action(
    action(async (opts: { tenant: string }) => {
      const rows = await inTenant(opts.tenant, (tx) => listApiKeys(tx, { tenantId: opts.tenant }));
      if (rows.length === 0) return console.log(`No API keys in ${opts.tenant}.`);
      console.log(
        formatTable(rows, [
          { header: 'ID', value: (r) => r.id },
          { header: 'NAME', value: (r) => r.name, max: 30 },
          { header: 'PREFIX', value: (r) => `${r.prefix}…` },
          { header: 'SCOPES', value: (r) => r.scopes },
          { header: 'CREATED', value: (r) => r.createdAt },
          { header: 'LAST USED', value: (r) => r.lastUsedAt },
          { header: 'STATUS', value: (r) => (r.revokedAt ? 'revoked' : 'active') },
        ]),
      );
    }),
  );

apiKey
  .command('revoke <keyId>')
  .description('Revoke an API key at once')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .addHelpText('after', examples('api-key revoke --tenant kloof-gc 0b7c6f5e-2a51-4c1e-9d0e-3f1b2a4c5d6e'))
  .action(
    action(async (keyId: string, opts: { tenant: string }) => {
      const { revoked } = await inTenant(opts.tenant, (tx) => revokeApiKey(tx, { tenantId: opts.tenant, id: keyId, actor: cliActor() }));
      console.log(revoked ? `Revoked API key ${keyId}` : `API key ${keyId} was already revoked`);
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// events

const events = program.command('events').description('Publish events onto the crm-events queue');

function printRejects(rejects: JsonlReject[]) {
  const shown = [...rejects].sort((a, b) => a.line - b.line).slice(0, 10);
  for (const r of shown) console.log(`  line ${r.line}${r.id ? ` (${r.id})` : ''}: ${r.error}`);
  if (rejects.length > shown.length) console.log(`  … and ${rejects.length - shown.length} more`);
}

events
  .command('publish <file>')
  .description(
    'Publish a JSON Lines file through the typed publisher: one event per line, either a CrmEvent envelope or a flat ' +
      'Messaging job {"name": "contact.created", "data": {...}}. Invalid lines are reported, not sent. Exits 1 if any line was rejected.',
  )
  .addHelpText('after', examples('events publish ./events.jsonl'))
  .action(
    action(async (file: string) => {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new AdminError('invalid_input', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      const { items, rejects } = parseJsonl(text);
      const bar = new SingleBar({
        format: 'Publishing |{bar}| {value}/{total} events',
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(items.length, 0);
      const result = await queue().publishMany(
        items.map((i) => i.item),
        (done) => bar.update(done),
      );
      bar.stop();
      for (const r of result.rejected) rejects.push({ line: items[r.index]!.line, id: r.id, error: r.error });
      console.log(`Published ${result.published}, rejected ${rejects.length}`);
      if (rejects.length) {
        printRejects(rejects);
        process.exitCode = 1;
      }
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// dead-letters

const deadLetters = program.command('dead-letters').description('Inspect and retry dead-lettered events');

function reasonOption() {
  return new Option('--reason <reason>', 'only this reason code').choices(DEAD_LETTER_REASONS);
}

deadLetters
  .command('list')
  .description('List open dead letters, newest first (all tenants, including events with no known tenant, unless --tenant)')
  .option('--tenant <tenantId>', 'only this tenant')
  .addOption(reasonOption())
  .option('--type <type>', 'only this event type (as dead-lettered, e.g. scl.payment.failed)')
  .option('--take <n>', 'how many to show', positiveInt, 50)
  .option('--json', 'print the full rows as JSON (job data included)')
  .addHelpText('after', examples('dead-letters list', 'dead-letters list --reason invalid_payload --type scl.member.created --json'))
  .action(
    action(async (opts: { tenant?: string; reason?: string; type?: string; take: number; json?: boolean }) => {
      const list = (tx: Tx) =>
        listDeadLetters(tx, { tenantId: opts.tenant, reason: opts.reason, type: opts.type, skip: 0, take: opts.take });
      const { rows, total } = await (opts.tenant ? inTenant(opts.tenant, list) : acrossTenants(list));
      if (opts.json) return console.log(JSON.stringify({ total, rows }, null, 2));
      if (total === 0) return console.log('No open dead letters.');
      console.log(
        formatTable(rows, [
          { header: 'EVENT ID', value: (r) => r.eventId, max: 38 },
          { header: 'TYPE', value: (r) => r.eventType, max: 36 },
          { header: 'TENANT', value: (r) => r.tenantId ?? '(unknown)' },
          { header: 'REASON', value: (r) => r.reason },
          { header: 'STEP', value: (r) => r.failedStep },
          { header: 'TRIES', value: (r) => r.attempts },
          { header: 'WHEN', value: (r) => r.deadLetteredAt },
          { header: 'ERROR', value: (r) => r.error, max: 70 },
        ]),
      );
      console.log(`${rows.length} of ${total} shown${total > rows.length ? ' (use --take to see more)' : ''}`);
    }),
  );

deadLetters
  .command('retry')
  .description(
    'Put dead letters back on the queue with a fresh retry budget: the --event ids, or every open one matching the ' +
      'filters (all of them if none is given). Events already processed are only marked resolved. Audited.',
  )
  .option('--tenant <tenantId>', 'only this tenant')
  .addOption(reasonOption())
  .option('--type <type>', 'only this event type')
  .option('--event <eventId...>', 'these event ids')
  .addHelpText('after', examples('dead-letters retry --reason retries_exhausted', 'dead-letters retry --event evt_123 evt_456'))
  .action(
    action(async (opts: { tenant?: string; reason?: string; type?: string; event?: string[] }) => {
      const retry = (tx: Tx) =>
        retryDeadLetters(tx, {
          tenantId: opts.tenant,
          eventIds: opts.event,
          filter: { reason: opts.reason, type: opts.type },
          actor: cliActor(),
          queue: queue().queue,
        });
      const result = await (opts.tenant ? inTenant(opts.tenant, retry) : acrossTenants(retry));
      console.log(
        `Requeued ${result.requeued}, already processed ${result.alreadyProcessed}` +
          (opts.event ? `, not found ${result.notFound}` : ''),
      );
    }),
  );

// ---------------------------------------------------------------------------------------------------------------
// audit

program
  .command('audit')
  .description('Show a tenant’s audit log, newest first')
  .requiredOption('--tenant <tenantId>', 'tenant id')
  .option('--take <n>', 'how many entries', positiveInt, 25)
  .addHelpText('after', examples('audit --tenant kloof-gc --take 50'))
  .action(
    action(async (opts: { tenant: string; take: number }) => {
      const { rows, total } = await inTenant(opts.tenant, (tx) =>
        listAudit(tx, { tenantId: opts.tenant, skip: 0, take: Math.min(opts.take, 100) }),
      );
      if (total === 0) return console.log(`No audit entries for ${opts.tenant}.`);
      console.log(
        formatTable(rows, [
          { header: 'WHEN', value: (r) => r.createdAt },
          { header: 'WHO', value: (r) => r.actorLabel, max: 40 },
          { header: 'ACTION', value: (r) => r.action },
          { header: 'TARGET', value: (r) => r.target },
          { header: 'DETAILS', value: (r) => JSON.stringify(r.details), max: 80 },
        ]),
      );
    }),
  );

try {
  await program.parseAsync(process.argv);
} finally {
  await closeConnections();
}
