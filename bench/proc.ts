import {readdirSync, readFileSync, writeFileSync} from "node:fs";

/**
 * Resident memory of this process and every process below it, read from /proc.
 *
 * DuckDB runs its queries on its own threads, so the event loop stays free to sample while a
 * stage runs; children (the site build, the pandas peer) are found through their parent ids.
 */
export interface TreeMemory {
  /** Largest sum of RSS over the tree seen by any sample, in bytes. */
  treePeak: number;
  /** Largest peak RSS (VmHWM) of any single process in the tree, in bytes. */
  processPeak: number;
}

function statusField(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** Pids of `root` and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name may hold spaces and parentheses; fields resume after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone already
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Samples the memory of this process tree every `intervalMs` until stopped.
 *
 * The kernel's own peak (VmHWM) of this process is reset at the start (writing 5 to clear_refs),
 * so each stage's peak is its own and not an earlier stage's; children's VmHWM is read while they
 * live, so a short-lived child's peak is caught as long as one sample sees it.
 */
export function startSampler(intervalMs = 50): {stop: () => TreeMemory} {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not permitted on this kernel: the peak then covers the whole run so far
  }
  const memory: TreeMemory = {treePeak: 0, processPeak: 0};
  const sample = () => {
    let sum = 0;
    for (const pid of processTree(process.pid)) {
      sum += statusField(pid, "VmRSS");
      memory.processPeak = Math.max(memory.processPeak, statusField(pid, "VmHWM"));
    }
    memory.treePeak = Math.max(memory.treePeak, sum);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return memory;
    },
  };
}
