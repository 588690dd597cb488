import { commitChanges } from "../../generator/commit-changes.js";
import { planRemoveDomain } from "../../generator/domain.js";
import { faultsFromEnv } from "../../generator/faults.js";
import { generateMigration, MIGRATION_COMMAND } from "../../generator/migration.js";
import { acquireProjectLock } from "../../generator/project-lock.js";
import { findProjectRoot } from "../../generator/project-root.js";
import { parseFlags, REMOVE_DOMAIN_FLAGS, RemoveDomainFlags } from "../options.js";
import { createOutput } from "../output.js";
import { describeChange, dryRunReport } from "./change-report.js";
import type { CommandContext } from "./context.js";

/** `trellis remove domain <name>`: the reverse of generate, refusing to drop files the user changed unless --force. */
export async function removeDomainCommand(name: string, rawFlags: Record<string, unknown>, context: CommandContext): Promise<void> {
  const flags = parseFlags(REMOVE_DOMAIN_FLAGS, RemoveDomainFlags, rawFlags);
  const root = findProjectRoot(context.cwd);
  const planOptions = { root, name, force: flags.force };
  if (flags.dryRun) {
    process.stdout.write(dryRunReport((await planRemoveDomain(planOptions)).changes));
    return;
  }

  const output = await createOutput({ fancy: context.stdoutIsTTY && !context.ci });
  const release = acquireProjectLock(root);
  try {
    const plan = await planRemoveDomain(planOptions);
    await commitChanges(plan.changes, { root, signal: context.signal, faults: faultsFromEnv(context.env) });
    for (const change of plan.changes) output.step(describeChange(change));
    output.step(`Removed domain ${plan.names.folder}`);
    // The table may hold data in a deployed database: dropping it is a migration the user reviews, like any other.
    const migration = await generateMigration({ root, name: `drop_${plan.names.table}`, signal: context.signal });
    if (migration.status === "generated") output.step(`Wrote the migration that drops table ${plan.names.table} into drizzle/ (review it before db:migrate)`);
    else output.warn(`No migration written (${migration.reason}): run \`${MIGRATION_COMMAND}\` to drop table ${plan.names.table}`);
  } finally {
    release();
  }
}
