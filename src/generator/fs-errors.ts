/** The `code` of a Node system error (ENOENT, ENOSPC, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

const EXPLANATIONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "it already exists",
  ENOTEMPTY: "the directory is not empty",
  EMFILE: "too many open files",
};

/** A short human reason for a file-system failure, e.g. "no space left on the device (ENOSPC)". */
export function describeFsError(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined && code in EXPLANATIONS) return `${EXPLANATIONS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
