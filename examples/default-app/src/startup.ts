import { HTTPException, type Logger } from "@trellis/runtime";
import type { Settings } from "./core/config.js";
import type { Database } from "./core/database.js";
import { hasSqlState, SQLSTATE } from "./core/errors.js";
import { beginTransaction } from "./core/transaction.js";
import { UserService } from "./domains/users/service.js";

/**
 * Creates the first superuser from FIRST_SUPERUSER_EMAIL and
 * FIRST_SUPERUSER_PASSWORD when both are set and no user has that email.
 */
export async function ensureFirstSuperuser(database: Database, settings: Settings, logger: Logger): Promise<void> {
  if (settings.FIRST_SUPERUSER_EMAIL === undefined || settings.FIRST_SUPERUSER_PASSWORD === undefined) return;
  const transaction = await beginTransaction(database.db);
  try {
    const service = new UserService(transaction.tx);
    if (!(await service.getByEmail(settings.FIRST_SUPERUSER_EMAIL))) {
      const user = await service.ensureSuperuser(settings.FIRST_SUPERUSER_EMAIL, settings.FIRST_SUPERUSER_PASSWORD);
      logger.info({ userId: user?.id }, "Created the first superuser from FIRST_SUPERUSER_EMAIL");
    }
    await transaction.commit();
  } catch (error) {
    await transaction.rollback(error);
    // Another instance created it at the same moment: the unique index said so.
    if (error instanceof HTTPException && error.status === 409) return;
    if (hasSqlState(error, SQLSTATE.UNDEFINED_TABLE)) throw new Error("The database has no tables yet: run `npm run db:migrate` first", { cause: error });
    throw error;
  }
}
