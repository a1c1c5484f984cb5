/** mulberry32: integer maths only, so every engine agrees (tests/fixtures/seeded-random.ts wraps it). */
export function seededUint32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return (t ^ (t >>> 14)) >>> 0;
	};
}

/** Fisher–Yates in place, driven by the seeded generator. */
export function shuffle(order: Int32Array, next: () => number): void {
	for (let i = order.length - 1; i > 0; i--) {
		const j = next() % (i + 1);
		const swap = order[i];
		order[i] = order[j];
		order[j] = swap;
	}
}
