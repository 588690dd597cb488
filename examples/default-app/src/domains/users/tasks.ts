import type { Logger } from "@trellis/runtime";

/**
 * Runs after the signup response has been sent (a background task). A real
 * app would send an email here; logging keeps the template self-contained.
 * The address is not logged: it is personal data (HARDENING.md D7).
 */
export async function sendWelcomeMessage(log: Logger, user: { id: number; full_name: string | null }): Promise<void> {
  log.info({ userId: user.id }, `Welcome message sent to ${user.full_name ?? "a new user"}`);
}
