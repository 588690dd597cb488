/**
 * Work that runs after the response has been sent (FastAPI's
 * BackgroundTasks). Tasks run one after another in the order they were added.
 */
export type BackgroundTask = (...args: never[]) => unknown;

export class BackgroundTasks {
  readonly tasks: { fn: BackgroundTask; args: unknown[] }[] = [];

  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.tasks.push({ fn: fn as BackgroundTask, args });
  }

  get size(): number {
    return this.tasks.length;
  }
}

/** Runs every task; a failure is reported and never stops the next task. */
export async function runBackgroundTasks(tasks: BackgroundTasks, onError: (err: unknown) => void): Promise<void> {
  for (const { fn, args } of tasks.tasks) {
    try {
      await (fn as (...a: unknown[]) => unknown)(...args);
    } catch (err) {
      onError(err);
    }
  }
}
