import { commitChanges } from "../../generator/commit-changes.js";
import { planGenerateDomain, type DomainPlan } from "../../generator/domain.js";
import { faultsFromEnv } from "../../generator/faults.js";
import { generateMigration, keptTableMigration, MIGRATION_COMMAND } from "../../generator/migration.js";
import { acquireProjectLock } from "../../generator/project-lock.js";
import { findProjectRoot } from "../../generator/project-root.js";
import { GENERATE_DOMAIN_FLAGS, GenerateDomainFlags, parseFlags } from "../options.js";
import { createOutput, type Output } from "../output.js";
import { describeChange, dryRunReport } from "./change-report.js";
import type { CommandContext } from "./context.js";

/** `trellis generate domain <name>`: plan in memory under the project lock, commit all or nothing, then the migration. */
export async function generateDomainCommand(name: string, rawFlags: Record<string, unknown>, context: CommandContext): Promise<void> {
  // 1. Flags and the project.
  const flags = parseFlags(GENERATE_DOMAIN_FLAGS, GenerateDomainFlags, rawFlags);
  const root = findProjectRoot(context.cwd);
  const planOptions = { root, name, fields: flags.fields, force: flags.force, tests: flags.tests };

  // 2. A dry run reads and prints, and takes no lock: it writes nothing, not even the lock file.
  if (flags.dryRun) {
    process.stdout.write(dryRunReport((await planGenerateDomain(planOptions)).changes));
    return;
  }

  // 3. Under the lock: plan, commit, migrate (drizzle-kit rewrites drizzle/meta, which two runs must not share).
  const output = await createOutput({ fancy: context.stdoutIsTTY && !context.ci });
  const release = acquireProjectLock(root);
  try {
    const plan = await planGenerateDomain(planOptions);
    if (plan.changes.length === 0) {
      output.step(`Domain ${plan.names.folder} is already up to date; nothing was changed`);
      return;
    }
    await commitChanges(plan.changes, { root, signal: context.signal, faults: faultsFromEnv(context.env) });
    report(plan, output);
    const kept = keptTableMigration(root, plan.names.table);
    const migration = await generateMigration({ root, name: `add_${plan.names.table}`, signal: context.signal });
    if (migration.status === "generated") output.step(`Wrote the migration for table ${plan.names.table} into drizzle/ (drizzle-kit generate)`);
    else output.warn(`No migration written (${migration.reason}): run \`${MIGRATION_COMMAND}\` to create table ${plan.names.table}`);
    if (kept !== undefined) {
      output.warn(`Table ${plan.names.table} still exists in the database, kept by an earlier remove (${kept}): its CREATE TABLE fails until you drop it (\`npx trellis remove domain ${plan.names.folder} --drop-table\` before this generate) or edit the new migration by hand`);
    }
  } finally {
    release();
  }
}

function report(plan: DomainPlan, output: Output): void {
  for (const change of plan.changes) output.step(describeChange(change));
  output.outro(`Domain ${plan.names.folder} is ready`, [
    `Routes: GET/POST ${plan.names.route}, GET/PUT/DELETE ${plan.names.route}/{${plan.names.idParam}}`,
    `Registered ${plan.registration.routerName} in src/main.ts`,
    `Undo with: trellis remove domain ${plan.names.folder}`,
  ]);
}
