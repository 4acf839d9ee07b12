/**
 * Undo actions for one scenario, run last-in first-out whatever happened (failure, time-out, Ctrl-C). Every
 * process, temp dir, Redis server and database a scenario creates is registered here the moment it exists.
 */
export class Cleanup {
  private readonly actions: { name: string; run: () => Promise<void> | void }[] = [];

  add(name: string, run: () => Promise<void> | void): void {
    this.actions.push({ name, run });
  }

  async run(log: (line: string) => void): Promise<void> {
    while (this.actions.length) {
      const action = this.actions.pop()!;
      try {
        await action.run();
      } catch (error) {
        log(`  cleanup of ${action.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
