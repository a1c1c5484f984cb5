/** Adam over one flat parameter vector; every buffer is allocated once per training run. */
export interface AdamState {
	params: Float64Array;
	grad: Float64Array;
	moment: Float64Array;
	velocity: Float64Array;
	/** 1 where L2 applies (weights), 0 where it does not (biases). */
	decay: Uint8Array;
	step: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export function adamState(params: Float64Array, decay: Uint8Array): AdamState {
	const size = params.length;
	return {
		params,
		grad: new Float64Array(size),
		moment: new Float64Array(size),
		velocity: new Float64Array(size),
		decay,
		step: 0
	};
}

/** One step from the gradient summed over `batch` examples, at learning rate `rate`. */
export function adamStep(state: AdamState, batch: number, rate: number, l2: number): void {
	const { params, grad, moment, velocity, decay } = state;
	state.step++;
	const correction1 = 1 - powInt(BETA1, state.step);
	const correction2 = 1 - powInt(BETA2, state.step);
	const scaled = (rate * Math.sqrt(correction2)) / correction1;
	for (let i = 0; i < params.length; i++) {
		const g = grad[i] / batch + (decay[i] ? l2 * params[i] : 0);
		moment[i] = BETA1 * moment[i] + (1 - BETA1) * g;
		velocity[i] = BETA2 * velocity[i] + (1 - BETA2) * g * g;
		params[i] -= (scaled * moment[i]) / (Math.sqrt(velocity[i]) + EPSILON);
	}
}

/** base^k by squaring: + − × only, so the same on every engine (Math.pow is approximated). */
function powInt(base: number, k: number): number {
	let result = 1;
	let power = base;
	for (let e = k; e > 0; e >>= 1) {
		if (e & 1) result *= power;
		power *= power;
	}
	return result;
}
