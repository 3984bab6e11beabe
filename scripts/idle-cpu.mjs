#!/usr/bin/env node
// The CPU `haven serve` uses with nobody connected (docs/PERFORMANCE.md "Haven's whole
// process"): starts the real server on loopback with a fresh data dir, lets it settle, and
// reads the process's utime + stime (every thread, /proc/<pid>/stat) over a window. That
// is what Haven's process costs beyond its media thread while media flows (its HTTP/WSS
// threads only carry signaling). A benchmark: figures, no assertions.
// Usage: node scripts/idle-cpu.mjs [seconds=20]
import fs from 'node:fs';
import { startServer } from '../tests/lib/harness.mjs';

const seconds = Number(process.argv[2] ?? 20);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of process `pid`, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const srv = await startServer();
try {
  await new Promise((r) => setTimeout(r, 3000)); // startup work (migrations, keys) is done
  const before = cpuSeconds(srv.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = cpuSeconds(srv.pid) - before;
  console.log(`haven serve, idle for ${seconds} s: ${used.toFixed(2)} CPU s (${((used / seconds) * 1000).toFixed(1)} ms per second)`);
} finally {
  await srv.stop();
}
