/** CPU time of processes on this machine, from Linux's /proc (benchmarks only). */
import { readFileSync } from 'node:fs';

/** CPU time (ms) a process has used: utime + stime of /proc/PID/stat (clock ticks of 10 ms); 0 once it is gone. */
export const cpuMs = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
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
