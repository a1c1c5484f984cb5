import * as Y from 'yjs';

/** Per-update caps that no real client reaches (see RELIABILITY.md, Abuse). */
export interface ShapeLimits {
	/** Structs (items and gaps) in one update. */
	maxStructsPerUpdate: number;
	/** Distinct client ids in one update. */
	maxClientsPerUpdate: number;
	/** Estimated conflict-resolution steps that applying one update takes in the relay's doc. */
	maxIntegrationSteps: number;
}

/** Why an update's shape is refused. */
export const SHAPE_PROBLEMS = [
	'too many structs',
	'too many clients',
	'too costly to integrate'
] as const;
export type ShapeProblem = (typeof SHAPE_PROBLEMS)[number];

/** A struct of a decoded update (`Y.decodeUpdate(update).structs`). */
export type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/**
 * Refuses an update whose integration into `doc` would be expensive, before anything applies it.
 * Yjs integrates an item by walking every item between the place its origin names and the place
 * its right origin names (conflict resolution), so a few thousand items whose origins sit far
 * from their right origins in existing content cost seconds. A real client names neighbours:
 * only edits concurrent with its own put anything in between. This walks the same ranges in the
 * relay's doc, counting each item crossed at most as many times as the update can split it, and
 * stops at the limit: its cost is O(update size + limit). `unseen` counts items of updates that
 * will apply first but are not in the doc yet: any walk into existing content may cross them all.
 */
export function shapeProblem(
	structs: Struct[],
	doc: Y.Doc,
	limits: ShapeLimits,
	unseen = 0,
	pending: Struct[] = []
): ShapeProblem | null {
	// The caps count this update alone: structs Yjs holds back were counted when they came, and
	// counting them again would refuse every later update, the one that releases them included.
	if (structs.length > limits.maxStructsPerUpdate) return 'too many structs';
	const clients = new Set<number>();
	for (const struct of structs) clients.add(struct.id.client);
	if (clients.size > limits.maxClientsPerUpdate) return 'too many clients';
	// The walk takes the held-back structs too: this update may release them, integrating all.
	const all = pending.length > 0 ? [...pending, ...structs] : structs;
	const walk = new Walk(doc, all, limits.maxIntegrationSteps, unseen);
	for (const struct of all) {
		if (struct instanceof Y.Item && !walk.charge(struct)) return 'too costly to integrate';
	}
	return null;
}

/** An item whose origin is neither in the doc nor in the update. */
const MISSING = Symbol('missing origin');

/**
 * The structs Yjs holds back until their missing origins arrive: the next update that brings
 * them integrates these too, so they are checked as part of it.
 */
export function pendingStructsOf(doc: Y.Doc): Struct[] {
	const pending = doc.store.pendingStructs;
	// Yjs keeps them in its own V2 encoding, never one a client sent.
	return pending ? Y.decodeUpdateV2(pending.update).structs : [];
}

/** A place in the doc's item list: `item`, `offset` units into it (-1: before its first). */
interface Place {
	item: Y.Item;
	offset: number;
}

class Walk {
	readonly #doc: Y.Doc;
	/** The update's own items per client in clock order, to follow an origin that names one. */
	readonly #incoming = new Map<number, Y.Item[]>();
	/** Per client, the sorted clocks where this update's references split existing items. */
	readonly #splits = new Map<number, number[]>();
	/** Each new item's anchor, so a chain of origins inside the update is followed once. */
	readonly #anchors = new Map<Y.Item, Place | typeof MISSING | null>();
	#left: number;

	constructor(
		doc: Y.Doc,
		structs: Struct[],
		budget: number,
		private readonly unseen: number
	) {
		this.#doc = doc;
		this.#left = budget;
		for (const struct of structs) {
			if (!(struct instanceof Y.Item)) continue;
			push(this.#incoming, struct.id.client, struct);
			// Integration cuts existing items after an origin and before a right origin.
			const { origin, rightOrigin } = struct;
			if (origin && this.#has(origin)) push(this.#splits, origin.client, origin.clock + 1);
			if (rightOrigin && this.#has(rightOrigin)) {
				push(this.#splits, rightOrigin.client, rightOrigin.clock);
			}
		}
		for (const clocks of this.#splits.values()) clocks.sort((a, b) => a - b);
		this.#chargeSiblings(structs);
	}

	/**
	 * Items that name the same origin (or, without one, the same parent and key) are ordered by
	 * walking over each other: n of them cost n²/2 steps even inside a type the update creates.
	 */
	#chargeSiblings(structs: Struct[]): void {
		const byOrigin = new Map<number, Map<number, number>>();
		const byPlace = new Map<string, number>();
		for (const item of structs) {
			if (!(item instanceof Y.Item) || this.#has(item.id)) continue;
			const { origin, rightOrigin, parent, parentSub } = item;
			if (origin) {
				const clocks = byOrigin.get(origin.client) ?? new Map<number, number>();
				byOrigin.set(origin.client, clocks);
				const before = clocks.get(origin.clock) ?? 0;
				clocks.set(origin.clock, before + 1);
				this.#left -= before;
			} else {
				const key = `${idKey(rightOrigin ?? parent)}/${parentSub}`;
				const before = byPlace.get(key) ?? 0;
				byPlace.set(key, before + 1);
				this.#left -= before;
			}
		}
	}

	/** Charges the walk that integrating `item` takes; false once over budget. */
	charge(item: Y.Item): boolean {
		if (this.#left < 0) return false;
		if (this.#has(item.id)) return true; // already in the doc: skipped on apply
		const from = this.#anchor(item);
		if (from === null) return true; // lands in a type this update creates
		this.#left -= this.unseen;
		if (from === MISSING) return this.#left >= 0;
		const right = item.rightOrigin && this.#has(item.rightOrigin) ? item.rightOrigin : null;
		return this.#cross(from, right ? this.#place(right) : null);
	}

	/**
	 * Where in existing content the item's walk can start at the earliest: its origin, or the
	 * first existing origin up the chain of origins inside the update, or else the first item of
	 * its parent (of its map key's values) as Yjs does for an item without an origin.
	 */
	#anchor(item: Y.Item): Place | typeof MISSING | null {
		const chain: Y.Item[] = [];
		let root: Y.Item | null = item;
		let anchor: Place | typeof MISSING | null = MISSING;
		while (root) {
			if (this.#anchors.has(root)) {
				anchor = this.#anchors.get(root)!;
				break;
			}
			chain.push(root);
			if (!root.origin) {
				anchor = this.#firstSibling(root);
				break;
			}
			if (this.#has(root.origin)) {
				anchor = this.#place(root.origin);
				break;
			}
			// An origin neither here nor in the doc: an earlier update (unseen) or a later one brings
			// it; until then Yjs keeps the item pending (see pendingStructsOf).
			root = this.#incomingAt(root.origin);
		}
		for (const link of chain) this.#anchors.set(link, anchor);
		return anchor;
	}

	#firstSibling(item: Y.Item): Place | null {
		const right =
			item.rightOrigin && this.#has(item.rightOrigin) ? this.#item(item.rightOrigin) : null;
		const parent = right ? right.parent : this.#parentOf(item.parent);
		if (!(parent instanceof Y.AbstractType)) return null;
		let first = parent._start;
		if (item.parentSub !== null) {
			first = parent._map.get(item.parentSub) ?? null;
			while (first?.left && --this.#left >= 0) first = first.left;
		}
		return first ? { item: first, offset: -1 } : null;
	}

	/** A decoded item's parent: a root type's name or the id of an item holding a type. */
	#parentOf(parent: unknown): unknown {
		if (typeof parent === 'string') return this.#doc.share.get(parent) ?? null;
		if (!(parent instanceof Y.ID) || !this.#has(parent)) return null;
		const holder = this.#item(parent);
		return (holder?.content as { type?: unknown } | undefined)?.type ?? null;
	}

	/**
	 * Charges one step per item strictly between two places (to: null is the end of the list),
	 * counting an existing item as the pieces this update's references will cut it into.
	 */
	#cross(from: Place, to: Place | null): boolean {
		let item: Y.Item | null = from.item;
		let offset = from.offset;
		while (item && this.#left >= 0) {
			const isLast = to !== null && item === to.item;
			const start = item.id.clock + offset + 1;
			const end = item.id.clock + (isLast ? to.offset : item.length);
			if (end > start) this.#left -= 1 + this.#splitsWithin(item.id.client, start, end);
			if (isLast) break;
			item = item.right;
			offset = -1;
		}
		return this.#left >= 0;
	}

	/** How many split clocks fall strictly inside [start, end) of one client. */
	#splitsWithin(client: number, start: number, end: number): number {
		const clocks = this.#splits.get(client);
		return clocks ? firstAtLeast(clocks, end) - firstAtLeast(clocks, start + 1) : 0;
	}

	#place(id: Y.ID): Place | null {
		const item = this.#item(id);
		return item ? { item, offset: id.clock - item.id.clock } : null;
	}

	/** The existing item holding `id`, or null for a garbage-collected range (no list place). */
	#item(id: Y.ID): Y.Item | null {
		const struct = Y.getItem(this.#doc.store, id);
		return struct instanceof Y.Item ? struct : null;
	}

	#incomingAt(id: Y.ID): Y.Item | null {
		const items = this.#incoming.get(id.client);
		if (!items) return null;
		let low = 0;
		let high = items.length - 1;
		while (low <= high) {
			const mid = (low + high) >> 1;
			const { clock } = items[mid].id;
			if (id.clock < clock) high = mid - 1;
			else if (id.clock >= clock + items[mid].length) low = mid + 1;
			else return items[mid];
		}
		return null;
	}

	#has(id: Y.ID): boolean {
		return id.clock < Y.getState(this.#doc.store, id.client);
	}
}

function idKey(id: unknown): string {
	return id instanceof Y.ID ? `${id.client}:${id.clock}` : `root:${String(id)}`;
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
	const values = map.get(key);
	if (values) values.push(value);
	else map.set(key, [value]);
}

/** The index of the first value >= target in an ascending array. */
function firstAtLeast(values: number[], target: number): number {
	let low = 0;
	let high = values.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (values[mid] < target) low = mid + 1;
		else high = mid;
	}
	return low;
}
