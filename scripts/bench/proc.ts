/** CPU time of processes on this machine, from Linux's /proc (benchmarks only). */
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime (ms) of a /proc stat file (clock ticks of 10 ms); 0 once it is gone. */
const statCpuMs = (path: string): number => {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};

/** CPU time (ms) a process has used, all its threads: /proc/PID/stat; 0 once it is gone. */
export const cpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/stat`);

/**
 * CPU time (ms) of each of a process's threads now, by thread id (/proc/PID/task/TID/stat; the main thread's id is
 * the pid). Sample until the process exits and keep each thread's latest: a thread that ended is no longer listed.
 */
export const threadCpuMs = (pid: number): Map<number, number> => {
  const threads = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) threads.set(Number(tid), statCpuMs(`/proc/${pid}/task/${tid}/stat`));
  } catch {
    // gone
  }
  return threads;
};

/** The process and its descendants (the sandbox's Lambda runtimes), from /proc/PID/task/PID/children. */
export const treeCpuMs = (pid: number): number => {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // gone
  }
  return cpuMs(pid) + children.reduce((sum, c) => sum + treeCpuMs(c), 0);
};
