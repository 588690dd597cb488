/**
 * Every error the CLI reports on purpose has a code from this one table, an
 * exit code and a default "how to solve" hint. Helpers throw; only main.ts
 * prints and exits.
 */
export const CLI_ERRORS = {
  TRELLIS_E_USAGE: { exitCode: 1, hint: "Run `trellis --help` or `trellis <command> --help` for the usage." },
  TRELLIS_E_INVALID_OPTION: { exitCode: 1, hint: "Run `trellis <command> --help` to see the accepted values." },
  TRELLIS_E_INVALID_NAME: { exitCode: 1, hint: "Use a lowercase npm package name such as my-api: letters, digits, '-', '.' and '_', not starting with '.' or '_'." },
  TRELLIS_E_PATH_NAME: { exitCode: 1, hint: "Pass a directory name (my-api) or a path below the current directory (apps/my-api)." },
  TRELLIS_E_DIR_NOT_EMPTY: { exitCode: 1, hint: "Choose another directory, or empty this one first." },
  TRELLIS_E_NOT_A_DIRECTORY: { exitCode: 1, hint: "Choose another name: something that is not a directory already uses this one." },
  TRELLIS_E_PARENT_MISSING: { exitCode: 1, hint: "Create the parent directory first, or choose a path whose parent exists." },
  TRELLIS_E_RUNTIME_NOT_BUILT: { exitCode: 1, hint: "Run `npm run build` in the trellis checkout, then try again." },
  TRELLIS_E_NOT_A_CHECKOUT: { exitCode: 1, hint: "Run create with the CLI of a trellis checkout (`node /path/to/trellis/bin/trellis.js create my-api`, after `npm run build` there), or with the published create-trellis package once there is one (`npx create-trellis my-api`)." },
  TRELLIS_E_CLI_NOT_BUILT: { exitCode: 1, hint: "Run `npm run build` in the trellis checkout, then try again." },
  TRELLIS_E_TEMPLATE: { exitCode: 1, hint: "This is a bug in the template; please report it with the message above." },
  TRELLIS_E_WRITE_FAILED: { exitCode: 1, hint: "Free some disk space or fix the permissions of the parent directory; nothing was written." },
  TRELLIS_E_INSTALL_FAILED: { exitCode: 1, hint: "The project is in place; install its dependencies by hand." },
  TRELLIS_E_RESERVED_WORD: { exitCode: 1, hint: "Choose another name, e.g. with a prefix: shop-orders." },
  TRELLIS_E_INVALID_FIELDS: { exitCode: 1, hint: 'Write fields as "<name>:<type>[:optional] ...", e.g. --fields "title:string total:number paid:boolean:optional status:enum(draft|sent)".' },
  TRELLIS_E_NOT_A_PROJECT: { exitCode: 1, hint: "Run the command inside a project made by `trellis create` (a directory with package.json and src/main.ts)." },
  TRELLIS_E_DOMAIN_EXISTS: { exitCode: 1, hint: "Pass --force to overwrite the domain's files, or choose another name." },
  TRELLIS_E_DOMAIN_MISSING: { exitCode: 1, hint: "Check the name: `ls src/domains` lists the project's domains." },
  TRELLIS_E_DOMAIN_MODIFIED: { exitCode: 1, hint: "Pass --force to remove the domain with your changes, or keep it." },
  TRELLIS_E_TABLE_KEPT: { exitCode: 1, hint: "Drop the old table first with `trellis remove domain <name> --drop-table`, or choose another name." },
  TRELLIS_E_NO_APP: { exitCode: 1, hint: "Add the lines shown by hand, or restore the app.include(...) calls in src/main.ts." },
  TRELLIS_E_EDIT_BY_HAND: { exitCode: 1, hint: "Edit the line of src/main.ts named above by hand, then run the command again." },
  TRELLIS_E_LOCKED: { exitCode: 1, hint: "Wait for the other trellis command in this project to finish, then run again." },
  TRELLIS_E_CONFLICT: { exitCode: 1, hint: "A file changed while trellis was working; nothing was written. Run the command again." },
  TRELLIS_E_CANCELLED: { exitCode: 130, hint: "" },
  TRELLIS_E_INTERNAL: { exitCode: 1, hint: "Run again with TRELLIS_DEBUG=1 to see the stack trace, and report it." },
} as const satisfies Record<string, { exitCode: number; hint: string }>;

export type CliErrorCode = keyof typeof CLI_ERRORS;

export interface TrellisErrorOptions {
  /** Replaces the table's hint when the situation allows a more exact one. */
  hint?: string;
  exitCode?: number;
  cause?: unknown;
}

export class TrellisError extends Error {
  override readonly name = "TrellisError";
  readonly code: CliErrorCode;
  readonly exitCode: number;
  readonly hint: string;

  constructor(code: CliErrorCode, message: string, options: TrellisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? CLI_ERRORS[code].exitCode;
    this.hint = options.hint ?? CLI_ERRORS[code].hint;
  }
}

export function isTrellisError(error: unknown): error is TrellisError {
  return error instanceof TrellisError;
}

/** Wraps anything thrown exactly once, so main.ts only ever sees TrellisErrors. */
export function toTrellisError(error: unknown): TrellisError {
  if (error instanceof TrellisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TrellisError("TRELLIS_E_INTERNAL", `unexpected failure: ${message}`, { cause: error });
}

export function cancelled(message = "cancelled; nothing was written"): TrellisError {
  return new TrellisError("TRELLIS_E_CANCELLED", message);
}
