import type { EvalMetrics } from './metrics';

/**
 * How much higher a candidate's held-out micro-F1 must be than each rival's: 2% relative, and
 * at least 0.01 absolute, so noise on a small held-out split does not flip the active tagger.
 */
export const RELATIVE_MARGIN = 0.02;
export const ABSOLUTE_MARGIN = 0.01;

function beats(candidate: EvalMetrics, rival: EvalMetrics): boolean {
	const margin = Math.max(ABSOLUTE_MARGIN, rival.microF1 * RELATIVE_MARGIN);
	return candidate.microF1 >= rival.microF1 + margin;
}

/**
 * The gate: a new tagger becomes active only when it beats the neighbour vote and the active
 * tagger (if there is one) on the same held-out split, by the margin. Nothing to measure on
 * (no held-out example) never promotes.
 */
export function shouldPromote(
	candidate: EvalMetrics,
	baseline: EvalMetrics,
	active: EvalMetrics | null
): boolean {
	if (candidate.examples === 0) return false;
	return beats(candidate, baseline) && (active === null || beats(candidate, active));
}
