import { performance } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import type { Metrics } from '../metrics';

const TICK_MS = 10;

/**
 * Reports the longest stretch the event loop spent computing between two timer ticks, in CPU
 * time, as `t10x_event_loop_busy_max_seconds` (reset by each scrape). Unlike the event-loop delay,
 * it does not count time the process waited for a core, so it shows what the relay's own work
 * (one message, one store) costs everyone else on a loaded machine. Returns the stop.
 */
export function watchStalls(metrics: Metrics): () => void {
	let longestMs = 0;
	let wall = performance.now();
	let cpu = process.cpuUsage();
	const timer = setInterval(() => {
		const now = performance.now();
		const used = process.cpuUsage(cpu);
		// Waiting for the tick costs no CPU, so the CPU time is the busy time. Other threads (GC
		// helpers, the thread pool) add CPU time too: never count past the wall.
		const busyMs = Math.min(now - wall, (used.user + used.system) / 1000);
		longestMs = Math.max(longestMs, busyMs);
		wall = now;
		cpu = process.cpuUsage();
	}, TICK_MS);
	timer.unref();
	new Gauge({
		name: 't10x_event_loop_busy_max_seconds',
		help: 'Longest CPU-bound stretch of the event loop since the last scrape',
		registers: [metrics.registry],
		collect() {
			this.set(Math.max(0, longestMs) / 1000);
			longestMs = 0;
		}
	});
	return () => clearInterval(timer);
}
