/** Why a server could not listen, in words a user can act on, by Node's error code. */
const REASONS: Readonly<Record<string, (host: string, port: number) => string>> = {
  EADDRINUSE: (host, port) => `port ${port} is already in use on ${host}; stop the process that holds it (is the app already running?) or choose another port`,
  EACCES: (_host, port) => `permission denied for port ${port}; ports below 1024 need privileges, so choose a port above 1024`,
  EADDRNOTAVAIL: (host) => `${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses`,
  ENOTFOUND: (host) => `the host name "${host}" cannot be resolved; use an IP address or a name this machine resolves`,
  EAI_AGAIN: (host) => `the host name "${host}" could not be resolved right now (DNS lookup failed); use an IP address`,
};

/**
 * `app.listen()` could not bind its address. The message is one line that
 * says what to change (a CLI or server script prints it as it is); `code`
 * is Node's (EADDRINUSE...), and the original error is the `cause`.
 */
export class ListenError extends Error {
  override readonly name = "ListenError";

  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    const reason = REASONS[code]?.(host, port) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`cannot listen on ${host.includes(":") ? `[${host}]` : host}:${port}: ${reason} (${code})`, { cause });
  }

  /** Wraps a listen error of Node's; anything else is returned unchanged. */
  static from(err: unknown, host: string, port: number): unknown {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    return typeof code === "string" && /^E[A-Z_]+$/.test(code) ? new ListenError(code, host, port, err) : err;
  }
}
