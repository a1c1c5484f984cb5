import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Yjs V1 struct info bits and the ContentString ref (yjs src/utils/UpdateEncoder.js). */
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const CONTENT_STRING = 4;

/**
 * An update no real client sends: `items` one-character inserts, each from its own fake client,
 * whose origin and right origin lie half the text apart inside one existing string of the
 * server's doc. Integrating each walks every item between the two (Yjs conflict resolution), so
 * applying the update costs about items × span: quadratic in its size (the span grows with the
 * splits it makes). `text` must be one item (as one insert of a whole string makes).
 */
export function expensiveUpdate(text: Y.Text, items: number, firstClient = 1_000_000): Uint8Array {
	const start = text._start;
	if (!start || start.length !== text.length) throw new Error('the text must be one item');
	const { client, clock } = start.id;
	const span = Math.max(1, Math.floor(text.length / 2));
	const room = text.length - span - 1;
	const stride = Math.max(1, Math.floor(room / items));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, items);
	for (let i = 0; i < items; i++) {
		const origin = clock + ((i * stride) % room);
		encoding.writeVarUint(encoder, 1); // one struct from this client
		encoding.writeVarUint(encoder, firstClient + i);
		encoding.writeVarUint(encoder, 0); // at its first clock
		encoding.writeUint8(encoder, CONTENT_STRING | HAS_ORIGIN | HAS_RIGHT_ORIGIN);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, origin);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, origin + span);
		encoding.writeVarString(encoder, 'x');
	}
	encoding.writeVarUint(encoder, 0); // empty delete set
	return encoding.toUint8Array(encoder);
}

/**
 * Two updates, each cheap on its own, that cost items × siblings steps when applied in order:
 * `first` threads a chain of `items` one-character inserts (each from its own client, so none
 * merge) between the text's first two characters; `second` makes `siblings` inserts at that same
 * place, each of which walks the whole chain. Checked against the doc before `first` applies,
 * `second` names two neighbours.
 */
export function crossingUpdates(
	text: Y.Text,
	items: number,
	siblings: number,
	firstClient = 2_000_000
): { first: Uint8Array; second: Uint8Array; head: Uint8Array; tail: Uint8Array } {
	const start = text._start;
	if (!start || start.length < 2) throw new Error('the text must start with one item');
	const { client, clock } = start.id;
	const left = { client, clock };
	const right = { client, clock: clock + 1 };
	const chain = Array.from({ length: items }, (_, i) => ({
		client: firstClient + i,
		origin: i === 0 ? left : { client: firstClient + i - 1, clock: 0 },
		right
	}));
	const crossing = Array.from({ length: siblings }, (_, i) => ({
		client: firstClient + items + i,
		origin: left,
		right
	}));
	return {
		first: oneCharInserts(chain),
		second: oneCharInserts(crossing),
		// The first split: without its head, the tail waits in Yjs for its missing origin.
		head: oneCharInserts(chain.slice(0, 1)),
		tail: oneCharInserts(chain.slice(1))
	};
}

interface Insert {
	client: number;
	origin: { client: number; clock: number };
	right: { client: number; clock: number };
}

function oneCharInserts(inserts: Insert[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, inserts.length);
	for (const { client, origin, right } of inserts) {
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, 0);
		encoding.writeUint8(encoder, CONTENT_STRING | HAS_ORIGIN | HAS_RIGHT_ORIGIN);
		encoding.writeVarUint(encoder, origin.client);
		encoding.writeVarUint(encoder, origin.clock);
		encoding.writeVarUint(encoder, right.client);
		encoding.writeVarUint(encoder, right.clock);
		encoding.writeVarString(encoder, 'x');
	}
	encoding.writeVarUint(encoder, 0);
	return encoding.toUint8Array(encoder);
}

/** An awareness update (y-protocols encoding) announcing `count` client ids from `first`. */
export function awarenessFlood(first: number, count: number, state = '{}', clock = 1): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, count);
	for (let i = 0; i < count; i++) {
		encoding.writeVarUint(encoder, first + i);
		encoding.writeVarUint(encoder, clock);
		encoding.writeVarString(encoder, state);
	}
	return encoding.toUint8Array(encoder);
}
