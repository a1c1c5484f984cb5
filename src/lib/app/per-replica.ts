import type { Replica } from '$lib/replica/replica';

/**
 * One instance per replica, made by the first caller and shared by every later one (later
 * arguments are ignored), so state outlives a visit to a screen. It goes with its replica: a
 * signed-out account's instance is not kept alive.
 */
export function perReplica<T, Args extends unknown[]>(
	create: (replica: Replica, ...args: Args) => T
): (replica: Replica, ...args: Args) => T {
	const instances = new WeakMap<Replica, T>();
	return (replica, ...args) => {
		let instance = instances.get(replica);
		if (instance === undefined) {
			instance = create(replica, ...args);
			instances.set(replica, instance);
		}
		return instance;
	};
}
