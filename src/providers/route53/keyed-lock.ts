/**
 * Runs tasks one at a time per key. Route 53 changes a TXT name by read-modify-write, so the
 * apex and wildcard values of one name, or two solvers sharing a zone, must not interleave
 * inside this process; compare-and-swap covers other processes.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget the key once the queue drains, so the map does not grow with every name ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
