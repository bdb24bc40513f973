/** Polling for something other processes or servers make true, in tests that cannot be told when. */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once ok() holds (asked every 20 ms); throws naming `what` after `ms`. */
export async function until(what: string, ms: number, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await pause(20);
  }
}
