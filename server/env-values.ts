/** A setting in the environment that cannot be used: the server refuses to start with it. */
export class ConfigError extends Error {}

export const MB = 1024 * 1024;

/** An integer setting within [min, max]; the fallback when unset or blank. */
export function integer(
	raw: string | undefined,
	fallback: number,
	min: number,
	max: number,
	name: string
): number {
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
	}
	return value;
}

/** A non-negative decimal setting (a price); the fallback when unset or blank. */
export function decimal(raw: string | undefined, fallback: number, name: string): number {
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) {
		throw new ConfigError(`${name} must be a number of at least 0, got "${raw}"`);
	}
	return value;
}
