/**
 * A weighted fair queue over tenants: deficit round robin on each job's estimated cost, in two
 * classes, interactive (a search query someone waits on) always before bulk (indexing a
 * library). Within a class each tenant with work gets a turn in rotation and spends up to
 * `quantum × weight` of cost per turn, so one tenant queueing ten times more work than another
 * still gets only its share of the pool. Within a tenant jobs keep their order.
 */

export type Priority = 'interactive' | 'bulk';

export interface Ticket {
	tenant: string;
	/** Estimated cost (e.g. tokens); at least 1. */
	cost: number;
	priority: Priority;
	/** A tenant's share relative to others (a plan's weight); 1 when left out. */
	weight?: number;
}

/** What the inference pool needs of its queue (a FIFO stands in for it in the benchmark). */
export interface JobQueue<T> {
	readonly size: number;
	/** False, and nothing queued, when the queue (or the tenant's share of it) is full. */
	push(item: T, ticket: Ticket): boolean;
	shift(): T | undefined;
	/** Empties the queue, handing back everything that waited. */
	drain(): T[];
}

export interface FairQueueOptions {
	/** Jobs waiting in all; `push` refuses one more. */
	capacity: number;
	/** Jobs one tenant may have waiting, so a flood cannot fill the queue for everyone. */
	perTenant?: number;
	/** Cost a tenant of weight 1 may spend per turn. */
	quantum: number;
}

interface Waiting<T> {
	item: T;
	cost: number;
}

interface Lane<T> {
	tenant: string;
	weight: number;
	deficit: number;
	/** Whether this turn's quantum has been added (a turn can serve several jobs). */
	isInTurn: boolean;
	items: Waiting<T>[];
}

/** One class's rotation of tenants that have work waiting. */
class Rotation<T> {
	#lanes = new Map<string, Lane<T>>();
	#ring: Lane<T>[] = [];
	#cursor = 0;
	size = 0;

	push(item: T, { tenant, cost, weight = 1 }: Ticket): void {
		let lane = this.#lanes.get(tenant);
		if (!lane) {
			lane = { tenant, weight, deficit: 0, isInTurn: false, items: [] };
			this.#lanes.set(tenant, lane);
			// A newcomer joins just behind the lane being served: it waits at most one round.
			this.#ring.splice(this.#cursor, 0, lane);
			if (this.#ring.length > 1) this.#cursor++;
		}
		lane.weight = weight;
		lane.items.push({ item, cost: Math.max(1, cost) });
		this.size++;
	}

	shift(quantum: number): T | undefined {
		if (this.size === 0) return undefined;
		for (;;) {
			this.#cursor %= this.#ring.length;
			const lane = this.#ring[this.#cursor];
			if (!lane.isInTurn) {
				lane.deficit += quantum * lane.weight;
				lane.isInTurn = true;
			}
			const head = lane.items[0];
			if (head.cost <= lane.deficit) {
				lane.items.shift();
				lane.deficit -= head.cost;
				this.size--;
				// An idle tenant banks no credit: it starts its next turn from zero.
				if (lane.items.length === 0) this.#remove(lane);
				return head.item;
			}
			lane.isInTurn = false;
			this.#cursor++;
		}
	}

	drain(): T[] {
		const items = this.#ring.flatMap((lane) => lane.items.map((waiting) => waiting.item));
		this.#ring = [];
		this.#lanes.clear();
		this.#cursor = 0;
		this.size = 0;
		return items;
	}

	countOf(tenant: string): number {
		return this.#lanes.get(tenant)?.items.length ?? 0;
	}

	#remove(lane: Lane<T>): void {
		this.#lanes.delete(lane.tenant);
		this.#ring.splice(this.#ring.indexOf(lane), 1);
	}
}

export class FairQueue<T> implements JobQueue<T> {
	#classes = { interactive: new Rotation<T>(), bulk: new Rotation<T>() };

	constructor(private readonly options: FairQueueOptions) {
		if (!(options.quantum > 0)) throw new RangeError('quantum must be positive');
	}

	get size(): number {
		return this.#classes.interactive.size + this.#classes.bulk.size;
	}

	/** Queues the item; false (and nothing queued) when the queue or the tenant's share is full. */
	push(item: T, ticket: Ticket): boolean {
		const { capacity, perTenant = capacity } = this.options;
		if (this.size >= capacity || this.waitingOf(ticket.tenant) >= perTenant) return false;
		this.#classes[ticket.priority].push(item, ticket);
		return true;
	}

	/** The next item to serve, or undefined when none waits. */
	shift(): T | undefined {
		const { quantum } = this.options;
		return this.#classes.interactive.shift(quantum) ?? this.#classes.bulk.shift(quantum);
	}

	/** How many of a tenant's jobs wait, in both classes. */
	waitingOf(tenant: string): number {
		return this.#classes.interactive.countOf(tenant) + this.#classes.bulk.countOf(tenant);
	}

	drain(): T[] {
		return [...this.#classes.interactive.drain(), ...this.#classes.bulk.drain()];
	}
}
