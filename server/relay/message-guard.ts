import type {
	Connection,
	Document,
	Extension,
	beforeHandleMessagePayload
} from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { parseDocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import { newerSchema } from '../../sync/protocol/version';
import type { Metrics } from '../metrics';
import { AwarenessGuard, type AwarenessLimits } from './awareness-guard';
import { RelayError, closeSocket, guarded } from './guarded';
import { InFlight } from './in-flight';
import { TokenBuckets, chargeApplies, userOf, type CpuLimits } from './update-budget';
import {
	SHAPE_PROBLEMS,
	pendingStructsOf,
	shapeProblem,
	type ShapeLimits,
	type ShapeProblem,
	type Struct
} from './update-shape';

type Close = { code: number; reason: string };

/** Message types a client may send (Hocuspocus wire format: docName, type, payload). */
const SYNC = 0;
const AWARENESS = 1;
/** A provider that reconnects twice in quick succession sends its token again on an open document;
 * Hocuspocus hands that to onTokenSync, which this app leaves unset, so it changes nothing. */
const AUTH = 2;
const QUERY_AWARENESS = 3;
const SYNC_REPLY = 4;
const CLOSE_DOCUMENT = 7;
const ALLOWED = new Set([SYNC, AWARENESS, AUTH, QUERY_AWARENESS, SYNC_REPLY, CLOSE_DOCUMENT]);

const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
const MAX_AWARENESS_BYTES = 8 * 1024;
/** How long an update that looks too costly waits for the updates in flight before it (longer
 * than InFlight forgets one that never applied). */
const MAX_WAIT_MS = 1200;
/** The problem of an update that would make its document newer than this server knows. */
export const SCHEMA_TOO_NEW = 'schema too new';

export interface GuardLimits extends ShapeLimits, CpuLimits, AwarenessLimits {}

export const DEFAULT_GUARD_LIMITS: GuardLimits = {
	// Far above what real clients send (measured in RELIABILITY.md, Abuse): a full 1000-thought
	// shard with 20 sessions of history is ~9.5k structs, 20 clients and under 1k steps. Every app
	// session adds a client id to the shards it edits, but a client sends only what the relay
	// lacks: a shard's whole history arrives in one update only when the relay lost it. The
	// client cap bounds a trial apply into missing content (4,000 clients' inserts: ~60 ms).
	// Applying is linear in structs, and the relay applies twice (trial, then Hocuspocus): a
	// real-shaped update of 30,000 structs took 49 ms per apply here, so 20,000 keeps both under
	// 100 ms. A real whole shard is 6,000 (one session) to 9,400 (twenty) structs, and arrives
	// in one update only when the relay lacks it; imports send 1,500 at a time.
	maxStructsPerUpdate: 20_000,
	maxClientsPerUpdate: 2_000,
	maxIntegrationSteps: 20_000,
	cpuMsPerSecond: 250,
	cpuBurstMs: 5_000,
	// A provider announces its own id, and on connecting passes on every state it holds: after a
	// relay restart, those of the user's other devices and tabs, which the new relay never saw.
	maxAwarenessClients: 32,
	maxAwarenessStateBytes: 4 * 1024,
	awarenessPerSecond: 5,
	awarenessPerSecondPerUser: 500
};

/**
 * Checks every message before Hocuspocus applies it, in one pass over the frame. Stateless
 * broadcasts (the 3.4 opcode-6 bypass) and server-only types are refused. A document update is
 * refused while its user's CPU budget is spent (every apply is timed and charged) and when its
 * shape would make integrating it expensive; it must then decode and apply cleanly on its own,
 * because a malformed one can half-apply before it throws. Awareness is bounded per connection.
 */
export function messageGuard(metrics: Metrics, overrides: Partial<GuardLimits> = {}): Extension {
	const limits = { ...DEFAULT_GUARD_LIMITS, ...definedOnly(overrides) };
	const cpu = new TokenBuckets(limits.cpuBurstMs, limits.cpuMsPerSecond);
	const awareness = new AwarenessGuard(limits);
	const timed = new WeakSet<Document>();
	const inFlight = new InFlight();
	const refuse = (connection: Connection, reason: string, close: Close): RelayError => {
		metrics.rejectedMessages.inc({ reason });
		return closeSocket(connection, close);
	};
	return {
		beforeHandleMessage: guarded(
			'beforeHandleMessage',
			async ({ update: message, connection, document }: beforeHandleMessagePayload) => {
				if (!timed.has(document)) {
					timed.add(document);
					chargeApplies(document, cpu, () => inFlight.applied(document));
				}
				const awarenessUpdate = awarenessIn(message);
				if (awarenessUpdate) {
					const problem = awareness.check(
						connection,
						awarenessUpdate,
						(client) => document.awareness.meta.get(client)?.clock
					);
					if (problem === 'awareness rate') throw refuse(connection, problem, CLOSE.tooMuch);
					if (problem) {
						// Like any other bad message: the document closes, and its states go with it.
						metrics.rejectedMessages.inc({ reason: problem });
						throw new RelayError(CLOSE.badMessage.code, `${CLOSE.badMessage.reason}: ${problem}`);
					}
					return;
				}
				const update = updateOrNull(message);
				const user = userOf(connection);
				if (update && !cpu.has(user)) throw refuse(connection, 'cpu budget', CLOSE.overBudget);
				let structs = 0;
				const check = () => {
					const started = performance.now();
					const problem = inspect(message, (decoded) => {
						structs = decoded.length;
						const unseen = inFlight.items(document);
						return shapeOf(decoded, pendingStructsOf(document), document, limits, unseen);
					});
					cpu.spend(user, performance.now() - started);
					return problem;
				};
				let problem = check();
				// Too costly only counting updates still in flight: check again once they are in.
				for (const deadline = performance.now() + MAX_WAIT_MS; ;) {
					if (!isShapeProblem(problem) || inFlight.items(document) === 0) break;
					const left = deadline - performance.now();
					if (left <= 0) break;
					// Each check is charged: a user out of budget stops here, not after 1.2 s of them.
					if (!cpu.has(user)) throw refuse(connection, 'cpu budget', CLOSE.overBudget);
					await inFlight.next(document, left);
					problem = check();
				}
				if (isShapeProblem(problem)) throw refuse(connection, problem, CLOSE.updateTooCostly);
				if (problem === SCHEMA_TOO_NEW) {
					metrics.refusedDocuments.inc({ where: 'relay' });
					throw closeSocket(connection, CLOSE.schemaTooNew);
				}
				if (problem) {
					metrics.rejectedMessages.inc({ reason: problem });
					throw new RelayError(CLOSE.badMessage.code, `${CLOSE.badMessage.reason}: ${problem}`);
				}
				if (update) inFlight.add(document, structs);
			},
			CLOSE.badMessage
		)
	};
}

/** Limits given as undefined (a config spread from the socket limits alone) keep the default. */
function definedOnly(limits: Partial<GuardLimits>): Partial<GuardLimits> {
	return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

/** The shape problem of a decoded update, or null; one the walk cannot follow is left to apply. */
function shapeOf(
	structs: Struct[],
	pending: Struct[],
	document: Document,
	limits: ShapeLimits,
	unseen: number
): ShapeProblem | null {
	try {
		return shapeProblem(structs, document, limits, unseen, pending);
	} catch {
		return null;
	}
}

function updateOrNull(message: Uint8Array): Uint8Array | null {
	try {
		return documentUpdateIn(message);
	} catch {
		return null; // inspect names it malformed
	}
}

function isShapeProblem(problem: string | null): problem is ShapeProblem {
	return (SHAPE_PROBLEMS as readonly (string | null)[]).includes(problem);
}

/** The awareness update a client message carries, or null for any other (or a malformed one). */
function awarenessIn(message: Uint8Array): Uint8Array | null {
	try {
		const decoder = decoding.createDecoder(message);
		decoding.readVarString(decoder);
		if (decoding.readVarUint(decoder) !== AWARENESS) return null;
		const update = decoding.readVarUint8Array(decoder);
		return update.byteLength > MAX_AWARENESS_BYTES ? null : update;
	} catch {
		return null;
	}
}

/** The Yjs update a client message carries (sync step 2 or update), or null for any other. */
export function documentUpdateIn(message: Uint8Array): Uint8Array | null {
	const decoder = decoding.createDecoder(message);
	decoding.readVarString(decoder);
	const type = decoding.readVarUint(decoder);
	if (type !== SYNC && type !== SYNC_REPLY) return null;
	const step = decoding.readVarUint(decoder);
	if (step !== SYNC_STEP_2 && step !== SYNC_UPDATE) return null;
	return decoding.readVarUint8Array(decoder);
}

/** Returns why a message is refused, or null when it may be applied. */
export function inspect(
	message: Uint8Array,
	shapeOf: (structs: Struct[]) => ShapeProblem | null = () => null
): string | ShapeProblem | null {
	try {
		const decoder = decoding.createDecoder(message);
		const documentName = decoding.readVarString(decoder);
		const type = decoding.readVarUint(decoder);
		if (!ALLOWED.has(type)) return `type ${type} not allowed`;
		if (type === AWARENESS) {
			return decoding.readVarUint8Array(decoder).byteLength > MAX_AWARENESS_BYTES
				? 'awareness too large'
				: null;
		}
		const update = documentUpdateIn(message);
		if (!update) return null;
		const shape = shapeOf(Y.decodeUpdate(update).structs);
		if (shape) return shape;
		// Some corrupt updates decode but throw half-way through applying, leaving the part
		// before the throw in the document. Applying to an empty doc first catches them cheaply.
		// A fixed guid skips the random UUID a new Doc makes (70 of its ~90 µs); gc is pointless
		// on a doc thrown away at once.
		const trial = new Y.Doc({ guid: 'trial-apply', gc: false });
		try {
			Y.applyUpdate(trial, update);
			// A whole state (a new doc's first sync) shows its version here, before it is logged;
			// a later update that bumps it is caught by the persistence extension after it applies.
			const name = parseDocName(documentName);
			return name && newerSchema(name.kind, trial) ? SCHEMA_TOO_NEW : null;
		} finally {
			trial.destroy();
		}
	} catch {
		return 'malformed';
	}
}
