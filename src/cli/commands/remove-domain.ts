import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { commitChanges } from "../../generator/commit-changes.js";
import { planRemoveDomain, type DomainPlan } from "../../generator/domain.js";
import { domainNames } from "../../generator/domain-name.js";
import { faultsFromEnv } from "../../generator/faults.js";
import { generateMigration, keepTable, keptTableMigration, MIGRATION_COMMAND, writeDropTable, type MigrationResult } from "../../generator/migration.js";
import { acquireProjectLock } from "../../generator/project-lock.js";
import { findProjectRoot } from "../../generator/project-root.js";
import { TrellisError } from "../errors.js";
import { parseFlags, REMOVE_DOMAIN_FLAGS, RemoveDomainFlags } from "../options.js";
import { createOutput, type Output } from "../output.js";
import { describeChange, dryRunReport } from "./change-report.js";
import type { CommandContext } from "./context.js";

/**
 * `trellis remove domain <name>`: the reverse of generate, refusing to drop
 * files the user changed unless --force. The table and its data stay unless
 * --drop-table: PGlite (and PostgreSQL with MIGRATE_ON_STARTUP) applies a
 * DROP TABLE migration at the next start, seconds after the command. For a
 * domain removed earlier whose table was kept, --drop-table writes only the
 * migration that drops the table.
 */
export async function removeDomainCommand(name: string, rawFlags: Record<string, unknown>, context: CommandContext): Promise<void> {
  const flags = parseFlags(REMOVE_DOMAIN_FLAGS, RemoveDomainFlags, rawFlags);
  const root = findProjectRoot(context.cwd);
  const planOptions = { root, name, force: flags.force };
  const plan = (options = planOptions) => planRemoveDomain(options).catch((error: unknown) => {
    if (flags.dropTable && error instanceof TrellisError && error.code === "TRELLIS_E_DOMAIN_MISSING" && keptTableMigration(root, domainNames(name).table) !== undefined) return undefined;
    throw error;
  });

  if (flags.dryRun) {
    const planned = await plan();
    const table = domainNames(name).table;
    if (planned === undefined) {
      process.stdout.write(`Dry run: nothing was written. Domain ${domainNames(name).folder} was removed earlier and table ${table} was kept (${keptTableMigration(root, table)}); the command would write the migration that drops table ${table} and all its data.\n`);
      return;
    }
    const data = flags.dropTable
      ? `Then it would write the migration that drops table ${table} and all its data (drizzle-kit generate --name drop_${table}); PGlite applies it at the next start.`
      : `Table ${table} and its data would be kept: the migration it writes drops nothing (pass --drop-table to drop them).`;
    process.stdout.write(`${dryRunReport(planned.changes)}${data}\n`);
    return;
  }

  const output = await createOutput({ fancy: context.stdoutIsTTY && !context.ci });
  const release = acquireProjectLock(root);
  try {
    const planned = await plan();
    if (planned === undefined) {
      await dropKeptTable(root, domainNames(name).table, context, output);
      return;
    }
    await removeCode(planned, root, context, output);
    const table = planned.names.table;
    const migration = await generateMigration({ root, name: `${flags.dropTable ? "drop" : "keep"}_${table}`, signal: context.signal });
    if (flags.dropTable) reportDrop(table, migration, output);
    else await keepAndReport(root, planned, migration, output);
  } finally {
    release();
  }
}

async function removeCode(plan: DomainPlan, root: string, context: CommandContext, output: Output): Promise<void> {
  await commitChanges(plan.changes, { root, signal: context.signal, faults: faultsFromEnv(context.env) });
  for (const change of plan.changes) output.step(describeChange(change));
  output.step(`Removed domain ${plan.names.folder}`);
}

function reportDrop(table: string, migration: MigrationResult, output: Output): void {
  if (migration.status === "generated") {
    output.warn(`Wrote ${migration.file ?? "the migration"}: it drops table ${table} and all its data when migrations run (PGlite: at the next start; PostgreSQL: npm run db:migrate, or at startup with MIGRATE_ON_STARTUP)`);
  } else {
    output.warn(`No migration written (${migration.reason}): run \`${MIGRATION_COMMAND}\` to write the one that drops table ${table}`);
  }
}

/** The migration drizzle-kit wrote, without its DROP TABLE: the snapshot forgets the table, the database keeps it. */
async function keepAndReport(root: string, plan: DomainPlan, migration: MigrationResult, output: Output): Promise<void> {
  const table = plan.names.table;
  if (migration.status !== "generated") {
    output.warn(`Table ${table} and its data are kept, but no migration was written (${migration.reason}): the next \`${MIGRATION_COMMAND}\` will write DROP TABLE "${table}"; delete that statement from it to keep the data`);
    return;
  }
  const dropLater = `npx trellis remove domain ${plan.names.folder} --drop-table`;
  if (migration.file !== undefined) {
    const file = path.join(root, migration.file);
    await writeFile(file, keepTable(await readFile(file, "utf8"), { table, dropLater }).sql);
  }
  output.step(`Kept table ${table} and its data${migration.file === undefined ? "" : ` (${migration.file} drops nothing)`}`);
  output.info(`To drop them later: ${dropLater}`);
}

/** A custom migration (drizzle-kit generate --custom) holding the DROP TABLE of a table kept by an earlier remove. */
async function dropKeptTable(root: string, table: string, context: CommandContext, output: Output): Promise<void> {
  const migration = await generateMigration({ root, name: `drop_${table}`, signal: context.signal, custom: true });
  if (migration.status === "generated" && migration.file !== undefined) writeDropTable(root, migration.file, table);
  reportDrop(table, migration.status === "generated" && migration.file === undefined ? { status: "failed", reason: "drizzle-kit wrote no file" } : migration, output);
}
