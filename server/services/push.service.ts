import { Counter, Gauge, type Registry } from 'prom-client';
import type { RequestOptions } from 'web-push';
import {
	isAppPath,
	type NotificationSettings,
	type PushPayload,
	type PushSubscriptionBody
} from '../../sync/protocol/push';
import type { PushRepository } from '../db/push.repository';
import type { PushDelivery, PushMessage } from './push-delivery';
import {
	DEFAULT_PUSH_QUEUE,
	PushQueue,
	type PushOutcome,
	type PushQueueOptions,
	type PushSender
} from './push-queue';
import type { VapidKeys } from './vapid-keys';

/** Devices per user; registering one more forgets the one registered longest ago. */
export const MAX_DEVICES_PER_USER = 10;
/** A like is old news after a day: push services may drop the message after that. */
const TTL_SECONDS = 24 * 60 * 60;
/** Socket idle timeout for one request to a push service. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Keeps the encrypted payload well under the 4 KiB push services accept. */
const MAX_TITLE = 120;
const MAX_BODY = 400;
const MAX_URL = 512;

export interface PushServiceDeps {
	repository: PushRepository;
	vapid: VapidKeys;
	registry: Registry;
	queue?: PushQueueOptions;
	send?: PushSender;
}

/**
 * Web Push: the devices a user allowed, their per-type switches, and delivery off the request
 * path. No HTTP types here: the routes translate.
 */
export class PushService implements PushDelivery {
	readonly #repository: PushRepository;
	readonly #vapid: VapidKeys;
	readonly #queue: PushQueue;
	readonly #messages: Counter<'outcome'>;

	constructor({ repository, vapid, registry, queue = DEFAULT_PUSH_QUEUE, send }: PushServiceDeps) {
		this.#repository = repository;
		this.#vapid = vapid;
		this.#messages = new Counter({
			name: 't10x_push_messages_total',
			help: 'Web Push messages by outcome (sent, retried, gone, failed, dropped, switched_off)',
			labelNames: ['outcome'] as const,
			registers: [registry]
		});
		this.#queue = new PushQueue(
			{
				outcome: (outcome: PushOutcome) => this.#messages.inc({ outcome }),
				gone: (endpoint) => this.#forget(endpoint)
			},
			queue,
			send
		);
		const pending = this.#queue;
		new Gauge({
			name: 't10x_push_queue_length',
			help: 'Web Push messages waiting to be sent or retried',
			registers: [registry],
			collect() {
				this.set(pending.length);
			}
		});
	}

	get publicKey(): string {
		return this.#vapid.publicKey;
	}

	subscribe(userId: string, subscription: PushSubscriptionBody): void {
		this.#repository.save(userId, subscription, MAX_DEVICES_PER_USER);
	}

	unsubscribe(userId: string, endpoint: string): void {
		this.#repository.deleteForUser(userId, endpoint);
	}

	settings(userId: string): NotificationSettings {
		return this.#repository.settings(userId);
	}

	saveSettings(userId: string, settings: NotificationSettings): void {
		this.#repository.saveSettings(userId, settings);
	}

	deliver(userId: string, message: PushMessage): void {
		// Best effort: a push that cannot be queued must never fail the follow or like behind it.
		try {
			if (!this.#repository.settings(userId)[message.type]) {
				this.#messages.inc({ outcome: 'switched_off' });
				return;
			}
			const payload = JSON.stringify(payloadOf(message));
			const options: RequestOptions = {
				vapidDetails: this.#vapid,
				TTL: TTL_SECONDS,
				timeout: REQUEST_TIMEOUT_MS
			};
			for (const subscription of this.#repository.listByUser(userId)) {
				this.#queue.add({ subscription, payload, options });
			}
		} catch (error) {
			console.error('Could not queue a push message', error);
		}
	}

	/** Resolves once every queued message was sent, retried out or dropped. */
	settled(): Promise<void> {
		return this.#queue.settled();
	}

	close(): void {
		this.#queue.close();
	}

	#forget(endpoint: string): void {
		try {
			this.#repository.deleteByEndpoint(endpoint);
		} catch (error) {
			console.error('Could not forget an expired push subscription', error);
		}
	}
}

/** Exactly what the lock screen shows and where a tap leads: nothing else leaves the server. */
function payloadOf({ type, title, body, url }: PushMessage): PushPayload {
	return {
		type,
		title: clip(title, MAX_TITLE),
		body: clip(body, MAX_BODY),
		url: url.length <= MAX_URL && isAppPath(url) ? url : '/'
	};
}

function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.slice(0, max - 1);
	// Never leave half of a surrogate pair behind.
	return (/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut) + '…';
}
