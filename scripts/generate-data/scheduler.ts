/**
 * A tiny dependency-aware task pool: `lanes` workers (one per core), each task runs on one lane and
 * may use that lane's own resources (its xtb server processes). A task whose output already exists is
 * skipped by the task itself (resumability lives in the tasks); a failed task fails its dependents but
 * not unrelated work.
 */
export interface Task<L> {
  id: string;
  deps: string[];
  run: (lane: L) => Promise<void>;
}

export async function runTasks<L>(
  tasks: Task<L>[],
  lanes: L[],
  log: (msg: string) => void,
): Promise<{ done: string[]; failed: { id: string; error: string }[] }> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const t of tasks)
    for (const d of t.deps) if (!byId.has(d)) throw new Error(`task ${t.id} depends on unknown ${d}`);
  const state = new Map<string, 'pending' | 'running' | 'done' | 'failed'>(
    tasks.map((t) => [t.id, 'pending']),
  );
  const failed: { id: string; error: string }[] = [];
  const done: string[] = [];
  const free = lanes.slice();
  const running = new Set<Promise<void>>();

  const pick = (): Task<L> | undefined => {
    for (const t of tasks) {
      if (state.get(t.id) !== 'pending') continue;
      if (t.deps.some((d) => state.get(d) === 'failed')) {
        state.set(t.id, 'failed');
        failed.push({ id: t.id, error: 'a dependency failed' });
        continue;
      }
      if (t.deps.every((d) => state.get(d) === 'done')) return t;
    }
    return undefined;
  };

  for (;;) {
    let t: Task<L> | undefined;
    while (free.length && (t = pick())) {
      const lane = free.pop()!;
      const task = t;
      state.set(task.id, 'running');
      const p: Promise<void> = task
        .run(lane)
        .then(
          () => {
            state.set(task.id, 'done');
            done.push(task.id);
          },
          (e: unknown) => {
            state.set(task.id, 'failed');
            const msg = e instanceof Error ? e.message : String(e);
            failed.push({ id: task.id, error: msg });
            log(`FAILED ${task.id}: ${msg}`);
          },
        )
        .finally(() => {
          free.push(lane);
          running.delete(p);
        });
      running.add(p);
    }
    if (!running.size) break;
    await Promise.race(running);
  }
  return { done, failed };
}
