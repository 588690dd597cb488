import { existsSync } from "node:fs";
import path from "node:path";
import { commitChanges } from "../../generator/commit-changes.js";
import { domainNames, nearFolderNames } from "../../generator/domain-name.js";
import { planGenerateDomain, type DomainPlan } from "../../generator/domain.js";
import { faultsFromEnv } from "../../generator/faults.js";
import { generateMigration, keptTableMigration, MIGRATION_COMMAND } from "../../generator/migration.js";
import { acquireProjectLock } from "../../generator/project-lock.js";
import { findProjectRoot } from "../../generator/project-root.js";
import { TrellisError } from "../errors.js";
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
  refuseKeptTable(root, name);

  // 2. A dry run reads and prints, and takes no lock: it writes nothing, not even the lock file.
  if (flags.dryRun) {
    const plan = await planGenerateDomain(planOptions);
    const notes = namingNotes(root, name, plan);
    process.stdout.write([...notes.info, ...notes.warn.map((line) => `warning: ${line}`), dryRunReport(plan.changes)].join("\n"));
    return;
  }

  // 3. Under the lock: plan, commit, migrate (drizzle-kit rewrites drizzle/meta, which two runs must not share).
  const output = await createOutput({ fancy: context.stdoutIsTTY && !context.ci });
  const release = acquireProjectLock(root);
  try {
    const plan = await planGenerateDomain(planOptions);
    const notes = namingNotes(root, name, plan);
    notes.info.forEach((line) => output.info(line));
    notes.warn.forEach((line) => output.warn(line));
    if (plan.changes.length === 0) {
      output.step(`Domain ${plan.names.folder} is already up to date; nothing was changed`);
      return;
    }
    await commitChanges(plan.changes, { root, signal: context.signal, faults: faultsFromEnv(context.env) });
    report(plan, output);
    const migration = await generateMigration({ root, name: `add_${plan.names.table}`, signal: context.signal });
    if (migration.status === "generated") output.step(`Wrote the migration for table ${plan.names.table} into drizzle/ (drizzle-kit generate)`);
    else output.warn(`No migration written (${migration.reason}): run \`${MIGRATION_COMMAND}\` to create table ${plan.names.table}`);
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

/** A table kept by an earlier `remove domain` is still in the database: a new CREATE TABLE of that name would fail at the next start. */
function refuseKeptTable(root: string, name: string): void {
  const { table, folder } = domainNames(name);
  const kept = keptTableMigration(root, table);
  if (kept === undefined) return;
  throw new TrellisError("TRELLIS_E_TABLE_KEPT", `table ${table} of a removed domain ${folder} is still in the database (${kept} kept it); a new domain ${folder} would fail to create it. Nothing was changed`, {
    hint: `Drop the old table first with \`npx trellis remove domain ${folder} --drop-table\`, or choose another name; to bring the removed code back, restore it from git.`,
  });
}

/** Says when the name was pluralised, and warns when a folder of the typed or singular name sits beside the new one. */
function namingNotes(root: string, name: string, plan: DomainPlan): { info: string[]; warn: string[] } {
  const { typed, others } = nearFolderNames(name, plan.names);
  const info = typed === plan.names.folder ? [] : [`pluralised ${typed} to ${plan.names.folder}: the domain goes in src/domains/${plan.names.folder}, route ${plan.names.route}, table ${plan.names.table}`];
  const warn = others
    .filter((folder) => existsSync(path.join(root, "src", "domains", folder)))
    .map((folder) => `src/domains/${folder} already exists; this creates src/domains/${plan.names.folder} beside it. If you meant that domain, stop and edit it instead`);
  return { info, warn };
}
