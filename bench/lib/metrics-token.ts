/** The /metrics token the benchmarks start the server with, and the header that sends it. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';
export const METRICS_HEADERS = { Authorization: `Bearer ${BENCH_METRICS_TOKEN}` };
