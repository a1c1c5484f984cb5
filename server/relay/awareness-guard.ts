import type { Connection } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import { TokenBuckets, userOf } from './update-budget';

/** What one connection may announce (y-protocols awareness; Hocuspocus applies all of it). */
export interface AwarenessLimits {
	/**
	 * Client ids one connection (one document on one socket) may introduce: a provider's own, plus
	 * the states it passes on that the relay does not hold (all of them after a relay restart).
	 */
	maxAwarenessClients: number;
	/** Bytes of one client's JSON state. */
	maxAwarenessStateBytes: number;
	/** Awareness frames per second per connection, and per user over all their connections. */
	awarenessPerSecond: number;
	awarenessPerSecondPerUser: number;
}

export type AwarenessProblem =
	'awareness rate' | 'foreign awareness client' | 'awareness too large' | 'malformed awareness';

interface Entries {
	problem: AwarenessProblem | null;
	/** Whether any entry is newer than the document's: an echo of known states is not. */
	fresh: boolean;
}

/**
 * Every awareness update makes Hocuspocus 3.4 list all the document's states, so a socket that
 * announces thousands of client ids grows memory and CPU for everyone. A connection may announce
 * only the first ids it used; states are capped in size and frames in rate.
 */
export class AwarenessGuard {
	readonly #announced = new WeakMap<Connection, Set<number>>();
	readonly #perConnection = new WeakMap<Connection, TokenBuckets>();
	readonly #perUser: TokenBuckets;

	constructor(private readonly limits: AwarenessLimits) {
		this.#perUser = new TokenBuckets(
			limits.awarenessPerSecondPerUser * 2,
			limits.awarenessPerSecondPerUser
		);
	}

	/**
	 * Why this awareness update (the frame's payload) is refused, or null.
	 * `knownClock` is the document's clock for a client id: a provider passes on every state it
	 * receives, so an entry that is no newer than what the relay holds is an echo and harmless.
	 */
	check(
		connection: Connection,
		update: Uint8Array,
		knownClock: (client: number) => number | undefined
	): AwarenessProblem | null {
		const announced = this.#announced.get(connection) ?? new Set<number>();
		this.#announced.set(connection, announced);
		let entries: Entries;
		try {
			entries = this.#read(update, announced, knownClock);
		} catch {
			return 'malformed awareness';
		}
		if (entries.problem) return entries.problem;
		// A provider echoes every state it receives, so a sibling device's flapping connection makes
		// several frames a second that change nothing here: only news is charged to the rate.
		if (entries.fresh && this.#isOverRate(connection)) return 'awareness rate';
		return null;
	}

	#read(
		update: Uint8Array,
		announced: Set<number>,
		knownClock: (client: number) => number | undefined
	): Entries {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		let fresh = false;
		for (let i = 0; i < count; i++) {
			const client = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			const state = decoding.readVarString(decoder);
			// UTF-16 length: at most the byte count, so a state just over the cap in bytes but not
			// in characters passes; the frame as a whole stays under the relay's awareness cap.
			if (state.length > this.limits.maxAwarenessStateBytes) {
				return { problem: 'awareness too large', fresh };
			}
			const known = knownClock(client);
			if (known === undefined || clock > known) fresh = true;
			if (announced.has(client) || clock <= (known ?? -1)) continue;
			if (announced.size >= this.limits.maxAwarenessClients) {
				return { problem: 'foreign awareness client', fresh };
			}
			announced.add(client);
		}
		return { problem: null, fresh };
	}

	#isOverRate(connection: Connection): boolean {
		let own = this.#perConnection.get(connection);
		if (!own) {
			own = new TokenBuckets(this.limits.awarenessPerSecond * 2, this.limits.awarenessPerSecond);
			this.#perConnection.set(connection, own);
		}
		const user = userOf(connection);
		if (!own.has('') || !this.#perUser.has(user)) return true;
		own.spend('', 1);
		this.#perUser.spend(user, 1);
		return false;
	}
}
