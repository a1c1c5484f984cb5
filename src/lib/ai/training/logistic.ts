/**
 * The logistic function from + − × ÷ alone. Math.exp is implementation-approximated (engines
 * differ in the last bit), and a head trained from the same snapshot must be the same bytes on
 * every device; IEEE-754 basic operations are exact-rounded everywhere.
 */
const LN2_HI = 0.69314718036912381649;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.442695040888963387;
/** Beyond this |z| the sigmoid is 0 or 1 in float32 anyway. */
const LIMIT = 40;

/** 2^k for |k| ≤ 60, built by doubling (exact). */
const POWERS_OF_TWO = (() => {
	const powers = new Float64Array(121);
	powers[60] = 1;
	for (let k = 1; k <= 60; k++) {
		powers[60 + k] = powers[59 + k] * 2;
		powers[60 - k] = powers[61 - k] / 2;
	}
	return powers;
})();

/** 1/n for the Taylor terms (each a fixed double, so the same everywhere). */
const RECIPROCALS = Float64Array.from({ length: 12 }, (_, n) => 1 / n);

/**
 * e^x for |x| ≤ LIMIT: x = k·ln2 + r with |r| ≤ ln2/2, and a degree-11 Taylor series for e^r
 * (relative error below 1e-14).
 */
function exp(x: number): number {
	const k = Math.round(x * INV_LN2);
	const r = x - k * LN2_HI - k * LN2_LO;
	let sum = 1;
	for (let n = 11; n >= 1; n--) sum = 1 + r * sum * RECIPROCALS[n];
	return sum * POWERS_OF_TWO[60 + k];
}

export function sigmoid(z: number): number {
	if (z >= LIMIT) return 1;
	if (z <= -LIMIT) return 0;
	if (z >= 0) return 1 / (1 + exp(-z));
	const e = exp(z);
	return e / (1 + e);
}

/** Floor for a probability inside a logarithm: a confident mistake costs about 37, not ∞. */
const TINY = 1e-16;

/** Binary cross-entropy of probability p against label 0/1 (reported, never trained on). */
export function crossEntropy(p: number, label: number): number {
	return -Math.log(Math.max(TINY, label ? p : 1 - p));
}
