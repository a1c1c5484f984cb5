import type { HocuspocusProvider } from '@hocuspocus/provider';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/upgrade';
import {
	addThought,
	listThoughts,
	readThought,
	removeThought,
	setThoughtText,
	type Thought
} from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { authMessage, frame, parseReply, syncMessage, type Reply } from './frames';
import {
	connectClient,
	cookieSocket,
	eventually,
	readMetrics,
	register,
	relayToken,
	settled,
	signIn,
	startTestServer,
	type Account,
	type Client,
	type TestServer
} from './harness';
import { seededRandom } from '../fixtures/seeded-random';

/** Small enough that an oversize frame is cheap to send; every other limit stays the default. */
const LIMITS = { ...DEFAULT_RELAY_LIMITS, maxMessageBytes: 64 * 1024 };
const SEED = 1126;
const BATCH = 10;
/** Every malformed frame draws an answer (a close, a denial or an ack); this only bounds a hang. */
const OUTCOME_TIMEOUT_MS = 3000;
const NOW = 1_700_000_000_000;
const fields = { createdAt: NOW, visibility: 'private', pinned: false } as const;

interface Wire {
	data: Uint8Array;
	/** Sent as a text frame (the relay speaks binary only). */
	text?: boolean;
}

interface Case {
	group: string;
	label: string;
	/** Authenticate the document on the socket first; false: a new socket that never did. */
	authed: boolean;
	wire: Wire[];
	/** 'rejected': the socket (4xxx) or the document is closed; a number: that socket close code. */
	expect: 'rejected' | 'any' | number;
}

type Outcome =
	| { kind: 'socket-close'; code: number }
	| { kind: 'doc-close'; reason: string }
	| { kind: 'denied'; reason: string }
	| { kind: 'ack' }
	| { kind: 'none' };

interface Snapshot {
	thoughts: Thought[];
	/** The whole state, so a half-applied update (even one still pending) shows. */
	state: string;
}

let t: TestServer;
let mallory: Account;
let target: string;
let baseline: Snapshot;
let phone: Client;
let laptop: Client;
let phoneDoc: HocuspocusProvider;
let laptopDoc: HocuspocusProvider;
const logged: string[] = [];
const outcomes: { testCase: Case; outcome: Outcome }[] = [];

beforeAll(async () => {
	// Hocuspocus logs every refused message with a stack; keep them to check for relay failures.
	for (const level of ['error', 'warn'] as const) {
		vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
			logged.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
		});
	}
	t = await startTestServer({ relay: LIMITS });
	mallory = await register(t.base);
	target = shardDocName(mallory.userId as UserId, 0);
	// A fixed client id and thought id make the stored state, and so the corpus, the same each run.
	const writer = connectClient(t, mallory);
	const doc = new Y.Doc();
	doc.clientID = 1126;
	const provider = writer.open(target, doc);
	addThought(doc, 't01hfzq6t00aaaaaaaaaaaa' as ThoughtId, { ...fields, text: 'written before' });
	await settled(provider);
	writer.destroy();
	baseline = await malloryState();
	expect(baseline.thoughts.map((thought) => thought.text)).toEqual(['written before']);

	const bob = await register(t.base);
	phone = connectClient(t, bob);
	laptop = connectClient(t, await signIn(t.base, 'login', bob.username, 'correct horse battery'));
	phoneDoc = phone.open(shardDocName(bob.userId as UserId, 0));
	laptopDoc = laptop.open(shardDocName(bob.userId as UserId, 0));
	await Promise.all([settled(phoneDoc), settled(laptopDoc)]);
});

afterAll(async () => {
	phone?.destroy();
	laptop?.destroy();
	await t?.stop();
	vi.restoreAllMocks();
});

it('survives a corpus of malformed frames without crashing or half-applying', async () => {
	const started = Date.now();
	const corpus = buildCorpus(target, Y.encodeStateAsUpdate(docOf(baseline)));
	expect(corpus.length).toBeGreaterThanOrEqual(100);
	const violations: string[] = [];
	const attacker = new Attacker();
	let expected = baseline;

	for (let start = 0; start < corpus.length; start += BATCH) {
		const batch = corpus.slice(start, start + BATCH);
		for (const testCase of batch) {
			const outcome = await attacker.run(testCase);
			outcomes.push({ testCase, outcome });
			if (!meets(testCase, outcome)) {
				violations.push(`${testCase.group} / ${testCase.label}: ${explain(outcome)}`);
			}
		}
		const health = await fetch(`${t.base}/healthz`);
		expect(health.status).toBe(200);
		await healthyPairSyncs(start / BATCH);
		const now = await malloryState();
		if (now.state !== expected.state) {
			violations.push(
				`document changed during frames ${start}..${start + batch.length - 1} ` +
					`(${batch.map((c) => c.label).join('; ')}): ${JSON.stringify(now.thoughts)}`
			);
			// Compare the next batches with what is there now, so each change is reported once.
			expected = now;
		}
	}
	await attacker.close();

	// y-protocols catches an update that fails inside Yjs, so the relay acks a half-applied one.
	const swallowed = logged.filter((line) => line.startsWith('Caught error while handling'));
	if (swallowed.length > 0) {
		violations.push(`${swallowed.length} update(s) passed the guard, then threw inside Yjs`);
	}
	const hookFailures = logged.filter(
		(line) => line.startsWith('[relay]') && !line.startsWith('[relay] socket error')
	);
	violations.push(...hookFailures);

	report(corpus, Date.now() - started);
	expect(violations).toEqual([]);
}, 120_000);

it("counts the corpus's rejections in /metrics", async () => {
	const metrics = await readMetrics(t.base);
	const byReason = new Map<string, number>();
	for (const [, reason, value] of metrics.matchAll(
		/^t10x_relay_rejected_messages_total\{reason="([^"]*)"\} (\d+)$/gm
	)) {
		byReason.set(reason, Number(value));
	}
	for (const reason of ['pre-auth budget', 'rate', 'malformed', 'type 6 not allowed']) {
		expect(byReason.get(reason), reason).toBeGreaterThan(0);
	}
	// Each message the guard refused closed its document with the guard's reason.
	const guard = [...byReason].filter(
		([reason]) => reason !== 'pre-auth budget' && reason !== 'rate'
	);
	const guardClosed = outcomes.filter(
		({ outcome }) => outcome.kind === 'doc-close' && outcome.reason.startsWith('bad message')
	);
	expect(guard.reduce((sum, [, n]) => sum + n, 0)).toBe(guardClosed.length);
});

it('ignores a repeated Auth on an open document (a provider reconnecting twice in a row)', async () => {
	const socket = await RawSocket.open(mallory.cookie);
	try {
		await socket.authenticate(target, await relayToken(t.base, mallory));
		socket.ws.send(authMessage(target, await relayToken(t.base, mallory)));
		socket.ws.send(authMessage(target, 'not-a-token'));
		const doc = new Y.Doc();
		addThought(doc, newThoughtId(), { ...fields, text: 'after a repeated auth' });
		const from = socket.replies.length;
		socket.ws.send(syncMessage(target, 2, Y.encodeStateAsUpdate(doc)));
		const outcome = await socket.until(() => outcomeOf(socket, from), OUTCOME_TIMEOUT_MS);
		expect(outcome).toEqual({ kind: 'ack' });
		expect((await malloryState()).thoughts.map((thought) => thought.text)).toContain(
			'after a repeated auth'
		);
	} finally {
		await socket.close();
	}
});

/** One raw relay socket with the replies and close code it has seen. */
class RawSocket {
	readonly ws: WebSocket;
	readonly replies: Reply[] = [];
	closed: number | null = null;
	authenticated = false;
	readonly #listeners = new Set<() => void>();

	constructor(cookie: string) {
		this.ws = new (cookieSocket(cookie))(t.wsUrl);
		this.ws.binaryType = 'nodebuffer';
		this.ws.on('open', () => this.#notify());
		this.ws.on('message', (data: Buffer) => {
			const reply = parseReply(new Uint8Array(data));
			if (reply) this.replies.push(reply);
			this.#notify();
		});
		this.ws.on('close', (code: number) => {
			this.closed = code;
			this.#notify();
		});
	}

	/** A socket whose upgrade went through. */
	static async open(cookie: string): Promise<RawSocket> {
		const socket = new RawSocket(cookie);
		await socket.until(
			() => socket.ws.readyState === WebSocket.OPEN || socket.closed !== null || undefined,
			5000
		);
		if (socket.closed !== null) throw new Error(`upgrade refused (${socket.closed})`);
		return socket;
	}

	/** Resolves with check's first defined value, checked on every socket event; else undefined. */
	until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => done(undefined), timeoutMs);
			const done = (value: T | undefined) => {
				clearTimeout(timer);
				this.#listeners.delete(listener);
				resolve(value);
			};
			const listener = () => {
				const value = check();
				if (value !== undefined) done(value);
			};
			this.#listeners.add(listener);
			listener();
		});
	}

	async authenticate(name: string, token: string): Promise<void> {
		const from = this.replies.length;
		this.ws.send(authMessage(name, token));
		const reply = await this.until(
			() => (this.closed !== null ? null : this.replies.slice(from).find((r) => r.type === 2)),
			5000
		);
		if (reply?.sub !== 2)
			throw new Error(`could not authenticate ${name}: ${JSON.stringify(reply)}`);
		this.authenticated = true;
	}

	async close(): Promise<void> {
		if (this.closed !== null) return;
		this.ws.close();
		await this.until(() => this.closed ?? undefined, 5000);
	}

	#notify() {
		for (const listener of [...this.#listeners]) listener();
	}
}

/** Sends the cases from mallory's sockets, opening a new one whenever the relay closed one. */
class Attacker {
	#socket: RawSocket | null = null;

	async run(testCase: Case): Promise<Outcome> {
		const socket = await this.#socketFor(testCase.authed);
		const from = socket.replies.length;
		for (const { data, text } of testCase.wire) socket.ws.send(data, { binary: !text });
		const outcome =
			(await socket.until(() => outcomeOf(socket, from), OUTCOME_TIMEOUT_MS)) ??
			({ kind: 'none' } as const);
		if (outcome.kind !== 'ack') socket.authenticated = false;
		// Without an answer the socket's state is unknown; start the next case on a new one.
		if (outcome.kind === 'none') await socket.close();
		return outcome;
	}

	async close(): Promise<void> {
		await this.#socket?.close();
	}

	async #socketFor(authed: boolean): Promise<RawSocket> {
		// Once a socket authenticated, the pre-auth budget no longer applies to it.
		if (!this.#socket || this.#socket.closed !== null || !authed) {
			await this.#socket?.close();
			this.#socket = await RawSocket.open(mallory.cookie);
		}
		if (authed && !this.#socket.authenticated) {
			await this.#socket.authenticate(target, await relayToken(t.base, mallory));
		}
		return this.#socket;
	}
}

function outcomeOf(socket: RawSocket, from: number): Outcome | undefined {
	if (socket.closed !== null) return { kind: 'socket-close', code: socket.closed };
	for (const reply of socket.replies.slice(from)) {
		if (reply.type === 7) return { kind: 'doc-close', reason: reply.reason ?? '' };
		if (reply.type === 2 && reply.sub === 1) return { kind: 'denied', reason: reply.reason ?? '' };
		if (reply.type === 8) return { kind: 'ack' };
	}
	return undefined;
}

function meets(testCase: Case, outcome: Outcome): boolean {
	if (testCase.expect === 'any') return outcome.kind !== 'none';
	if (typeof testCase.expect === 'number') {
		return outcome.kind === 'socket-close' && outcome.code === testCase.expect;
	}
	if (outcome.kind === 'socket-close') return outcome.code >= 4000 && outcome.code < 5000;
	return outcome.kind === 'doc-close' || outcome.kind === 'denied';
}

function explain(outcome: Outcome): string {
	if (outcome.kind === 'socket-close') return `socket closed ${outcome.code}`;
	if (outcome.kind === 'doc-close') return `document closed: ${outcome.reason}`;
	if (outcome.kind === 'denied') return `denied: ${outcome.reason}`;
	return outcome.kind === 'ack' ? 'acknowledged (SyncStatus)' : 'no answer';
}

/** Another user's two devices still sync an edit both ways. */
async function healthyPairSyncs(round: number): Promise<void> {
	for (const [from, to] of [
		[phoneDoc, laptopDoc],
		[laptopDoc, phoneDoc]
	]) {
		const id = newThoughtId();
		const text = `round ${round} from ${from === phoneDoc ? 'phone' : 'laptop'}`;
		addThought(from.document, id, { ...fields, text });
		await eventually(() => readThought(to.document, id)?.text === text, 5000, text);
	}
	await Promise.all([settled(phoneDoc), settled(laptopDoc)]);
}

/** Mallory's document as a new device sees it. */
async function malloryState(): Promise<Snapshot> {
	const client = connectClient(t, mallory);
	try {
		const provider = client.open(target);
		await settled(provider);
		return {
			thoughts: listThoughts(provider.document),
			state: Buffer.from(Y.encodeStateAsUpdate(provider.document)).toString('hex')
		};
	} finally {
		client.destroy();
	}
}

function docOf(snapshot: Snapshot): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Buffer.from(snapshot.state, 'hex'));
	return doc;
}

/** Seeded helpers: the corpus must be the same on every run. */
function prng(seed: number) {
	const next = seededRandom(seed);
	const int = (n: number) => Math.floor(next() * n);
	return { int, bytes: (n: number) => Uint8Array.from({ length: n }, () => int(256)) };
}

function encode(write: (e: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}

const bin = (data: Uint8Array): Wire => ({ data });
const hex = (data: ArrayLike<number>) => Buffer.from(Uint8Array.from(data)).toString('hex');

/**
 * Why an update is malformed against a state: it does not decode, or it decodes but cannot be
 * integrated (Yjs throws partway). Null for a valid update, which the owner may legitimately send.
 */
function malformed(update: Uint8Array, state: Uint8Array): 'undecodable' | 'unappliable' | null {
	try {
		Y.decodeUpdate(update);
	} catch {
		return 'undecodable';
	}
	const replica = new Y.Doc();
	Y.applyUpdate(replica, state);
	try {
		Y.applyUpdate(replica, update);
		return null;
	} catch {
		return 'unappliable';
	}
}

/** Valid updates a client could send; the corpus only ever sends them broken. */
function validUpdates(state: Uint8Array, rnd: ReturnType<typeof prng>) {
	const existing = listThoughts(docFromUpdate(state))[0].id;
	const make = (label: string, change: (doc: Y.Doc) => void) => {
		const doc = docFromUpdate(state);
		doc.clientID = 0x5eed;
		const before = Y.encodeStateVector(doc);
		change(doc);
		return {
			label,
			v1: Y.encodeStateAsUpdate(doc, before),
			v2: Y.encodeStateAsUpdateV2(doc, before)
		};
	};
	return [
		make('new thought', (doc) =>
			addThought(doc, newThoughtId(NOW, rnd.bytes), { ...fields, text: 'injected' })
		),
		make('edited text', (doc) => setThoughtText(doc, existing, 'edited by a broken client')),
		make('removed thought', (doc) => removeThought(doc, existing))
	];
}

function docFromUpdate(update: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc;
}

function buildCorpus(own: string, state: Uint8Array): Case[] {
	const rnd = prng(SEED);
	const cases: Case[] = [];
	const add = (
		group: string,
		label: string,
		wire: Wire | Wire[],
		{ authed = true, expect = 'rejected' }: Partial<Pick<Case, 'authed' | 'expect'>> = {}
	) => cases.push({ group, label, wire: [wire].flat(), authed, expect });
	const other = own.replace(/\/0$/, '/1');
	const step1 = (e: encoding.Encoder) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
	};

	// Not even a name and a type; half on sockets with an open document, half before any auth.
	const unparseable: [string, Uint8Array][] = [
		['empty frame', new Uint8Array()],
		...[0x00, 0xff, ...Array.from({ length: 10 }, () => rnd.int(256))].map(
			(byte): [string, Uint8Array] => [`single byte ${hex([byte])}`, Uint8Array.of(byte)]
		),
		...[1, 2, 3, 4, 5, 8, 10, 16, 64].map((n): [string, Uint8Array] => [
			`truncated varint, 0xff × ${n}`,
			new Uint8Array(n).fill(0xff)
		]),
		...[2 ** 20, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER].map((n): [string, Uint8Array] => [
			`name length ${n}`,
			encode((e) => {
				encoding.writeVarUint(e, n);
				encoding.writeUint8Array(e, rnd.bytes(16));
			})
		]),
		[
			'name length one past the end',
			encode((e) => {
				encoding.writeVarUint(e, own.length + 1);
				encoding.writeUint8Array(e, new TextEncoder().encode(own));
			})
		]
	];
	unparseable.forEach(([label, data], i) =>
		add('unparseable', label, bin(data), { authed: i % 2 === 0 })
	);

	const ownBytes = new TextEncoder().encode(own);
	const badNames = [
		[0xff, 0xfe],
		[0xc0, 0xaf],
		[0xed, 0xa0, 0x80],
		[0xe2, 0x82],
		[0xf8, 0x88, 0x80, 0x80, 0x80],
		[...ownBytes, 0x80]
	];
	badNames.forEach((name, i) =>
		add('invalid UTF-8 name', hex(name).slice(0, 16), bin(frame(Uint8Array.from(name), 0, step1)), {
			authed: i % 2 === 0
		})
	);

	add('missing type', 'open document', bin(encode((e) => encoding.writeVarString(e, own))));
	add('missing type', 'unopened document', bin(encode((e) => encoding.writeVarString(e, other))));

	for (let type = 9; type <= 40; type++) {
		add(
			'unknown type',
			`type ${type}`,
			bin(frame(own, type, (e) => encoding.writeVarUint8Array(e, rnd.bytes(8))))
		);
	}

	// Types only the server may send, and the stateless ones this app never uses.
	add('refused type', 'Stateless (5)', bin(frame(own, 5, (e) => encoding.writeVarString(e, '{}'))));
	add(
		'refused type',
		'BroadcastStateless (6)',
		bin(frame(own, 6, (e) => encoding.writeVarString(e, 'to everyone on the document')))
	);
	add('refused type', 'SyncStatus (8)', bin(frame(own, 8, (e) => encoding.writeVarUint(e, 1))));

	for (const step of [1, 2]) {
		for (let i = 0; i < 5; i++) {
			let payload: Uint8Array;
			do payload = rnd.bytes(1 + rnd.int(64));
			while (!malformed(payload, state));
			add(
				'random update',
				`step ${step}: ${hex(payload).slice(0, 16)}…`,
				bin(syncMessage(own, step, payload))
			);
		}
	}

	const sources = validUpdates(state, rnd);
	sources.forEach((source, i) => {
		const { length } = source.v1;
		for (const cut of [length - 1, Math.floor(length / 2), 1 + rnd.int(length - 2)]) {
			const payload = source.v1.slice(0, cut);
			if (!malformed(payload, state)) throw new Error(`${source.label} cut at ${cut} is valid`);
			add(
				'truncated update',
				`${source.label}, ${cut} of ${length} bytes`,
				bin(syncMessage(own, 1 + (i % 2), payload))
			);
		}
	});

	// Most flips break decoding; a few decode but throw while Yjs integrates them.
	for (const [kind, wanted] of [
		['undecodable', 8],
		['unappliable', 4]
	] as const) {
		for (let found = 0, tries = 0; found < wanted; tries++) {
			if (tries > 100_000) throw new Error(`no ${kind} flips found`);
			const source = sources[rnd.int(sources.length)];
			const payload = source.v1.slice();
			const bits = Array.from({ length: 1 + rnd.int(3) }, () => rnd.int(payload.length * 8));
			for (const bit of bits) payload[bit >> 3] ^= 1 << (bit & 7);
			if (malformed(payload, state) !== kind) continue;
			add(
				'bit-flipped update',
				`${source.label}, bit ${bits.join(' & ')} flipped, ${kind}`,
				bin(syncMessage(own, 2, payload))
			);
			found++;
		}
	}

	// The relay speaks V1; a V2 update must not change anything (here it reads as an empty V1).
	sources.forEach((source, i) =>
		add('V2 update', source.label, bin(syncMessage(own, 1 + (i % 2), source.v2)), { expect: 'any' })
	);

	const declared = (type: number, sub: number | null, length: number) =>
		bin(
			frame(own, type, (e) => {
				if (sub !== null) encoding.writeVarUint(e, sub);
				encoding.writeVarUint(e, length);
				encoding.writeUint8Array(e, rnd.bytes(16));
			})
		);
	add('giant declared length', 'update of 2^31 bytes', declared(0, 2, 2 ** 31));
	add('giant declared length', 'step 2 of 2^53-1 bytes', declared(0, 1, Number.MAX_SAFE_INTEGER));
	add('giant declared length', 'awareness of 2^40 bytes', declared(1, null, 2 ** 40));
	add(
		'giant declared length',
		'update one byte past the end',
		bin(
			frame(own, 0, (e) => {
				encoding.writeVarUint(e, 2);
				encoding.writeVarUint(e, sources[0].v1.length + 1);
				encoding.writeUint8Array(e, sources[0].v1);
			})
		)
	);

	for (const step of [3, 9, 2 ** 40]) {
		add('unknown sync step', `step ${step}`, bin(syncMessage(own, step, sources[0].v1)));
	}

	const awareness = (payload: Uint8Array) =>
		bin(frame(own, 1, (e) => encoding.writeVarUint8Array(e, payload)));
	add(
		'awareness',
		'state that is not JSON',
		awareness(
			encode((e) => {
				encoding.writeVarUint(e, 1);
				encoding.writeVarUint(e, 42);
				encoding.writeVarUint(e, 1);
				encoding.writeVarString(e, '{"user":');
			})
		)
	);
	add(
		'awareness',
		'client count without clients',
		awareness(encode((e) => encoding.writeVarUint(e, 1000)))
	);
	add('awareness', 'over 8 KiB', awareness(new Uint8Array(9000)));

	const typeNine = frame(own, 9);
	if (typeNine.some((byte) => byte >= 0x80)) throw new Error('the type-9 frame is not ASCII');
	for (const [label, data] of [
		['empty', new Uint8Array()],
		['plain text', new TextEncoder().encode('hello')],
		['JSON', new TextEncoder().encode('{"type":"auth","token":"x"}')],
		// What a client sending a lone surrogate as text puts on the wire (U+FFFD).
		['lone surrogate', new TextEncoder().encode('\ud800')],
		['a type-9 frame that is valid UTF-8', typeNine]
	] as const) {
		add('text frame', label, { data, text: true });
	}
	add(
		'text frame',
		'invalid UTF-8',
		{ data: Uint8Array.of(0xff, 0xfe, 0xfd), text: true },
		{ expect: 1007 }
	);

	add(
		'limits',
		`frame over ${LIMITS.maxMessageBytes} bytes`,
		bin(syncMessage(own, 2, new Uint8Array(LIMITS.maxMessageBytes))),
		{ expect: 1009 }
	);
	add(
		'limits',
		`${LIMITS.preAuthMessages + 1} messages before any auth`,
		Array.from({ length: LIMITS.preAuthMessages + 1 }, () => bin(frame(own, 0, step1))),
		{ authed: false, expect: 4429 }
	);
	const chunk = 60 * 1024;
	add(
		'limits',
		`over ${LIMITS.preAuthBytes} bytes before any auth`,
		Array.from({ length: Math.ceil(LIMITS.preAuthBytes / chunk) + 1 }, () =>
			bin(syncMessage(own, 0, new Uint8Array(chunk)))
		),
		{ authed: false, expect: 4429 }
	);
	add(
		'limits',
		'burst over the message rate',
		// Twice the burst, so the refill during a slow send cannot cover it.
		Array.from({ length: LIMITS.messagesPerSecond * 4 }, () => bin(frame(own, 3))),
		{ expect: 4429 }
	);
	return cases;
}

function report(corpus: Case[], elapsedMs: number): void {
	// One line for all the unknown types, not thirty-two.
	const count = (keys: string[]) => {
		const general = keys.map((key) => key.replace(/type \d+ not/, 'type N not'));
		return Object.fromEntries(
			[...new Set(general)].map((key) => [key, general.filter((k) => k === key).length])
		);
	};
	const socketCloses = outcomes.flatMap(({ outcome }) =>
		outcome.kind === 'socket-close' ? [String(outcome.code)] : []
	);
	const docCloses = outcomes.flatMap(({ outcome }) =>
		outcome.kind === 'doc-close' ? [outcome.reason] : []
	);
	console.info(
		JSON.stringify(
			{
				frames: corpus.length,
				wireFrames: corpus.reduce((sum, c) => sum + c.wire.length, 0),
				socketClosesByCode: count(socketCloses),
				documentClosesByReason: count(docCloses),
				outcomesByGroup: Object.fromEntries(
					[...new Set(corpus.map((c) => c.group))].map((group) => [
						group,
						count(outcomes.filter((o) => o.testCase.group === group).map((o) => explain(o.outcome)))
					])
				),
				elapsedMs
			},
			null,
			1
		)
	);
}
