/**
 * mulberry32: a tiny seeded PRNG returning floats in [0, 1). Deterministic data (test corpora,
 * seeded libraries, the model build's start vector) must not depend on Math.random. Not for
 * anything secret.
 */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}
