import { ApiRequestError } from '$lib/app/api';
import type { FeedPage, FeedPost } from '$sync/protocol/social';
import { socialApi } from './social-api';

/**
 * The home feed: pages newest first by cursor. The first page read is kept in localStorage so
 * the feed still reads offline (marked as such).
 */
export class Feed {
	posts = $state<FeedPost[]>([]);
	next = $state<string | null>(null);
	isLoading = $state(false);
	/** When the posts shown come from the offline copy: the time it was saved. */
	offlineSince = $state<number | null>(null);
	error = $state<string | null>(null);
	readonly #cacheKey: string;

	constructor(userId: string) {
		this.#cacheKey = `t10x:feed:${userId}`;
	}

	async load(): Promise<void> {
		this.isLoading = true;
		this.error = null;
		try {
			const page = await socialApi.feed();
			this.#show(page, null);
			localStorage.setItem(this.#cacheKey, JSON.stringify({ savedAt: Date.now(), page }));
		} catch (error) {
			const cached = this.#cached();
			if (error instanceof ApiRequestError && error.code === 'network' && cached) {
				this.#show(cached.page, cached.savedAt);
			} else {
				this.error = error instanceof Error ? error.message : String(error);
			}
		} finally {
			this.isLoading = false;
		}
	}

	async more(): Promise<void> {
		if (!this.next || this.isLoading) return;
		this.isLoading = true;
		try {
			const page = await socialApi.feed(this.next);
			this.posts.push(...page.posts);
			this.next = page.next;
		} catch (error) {
			this.error = error instanceof Error ? error.message : String(error);
		} finally {
			this.isLoading = false;
		}
	}

	#show(page: FeedPage, offlineSince: number | null): void {
		this.posts = page.posts;
		this.next = offlineSince ? null : page.next;
		this.offlineSince = offlineSince;
	}

	#cached(): { savedAt: number; page: FeedPage } | null {
		try {
			return JSON.parse(localStorage.getItem(this.#cacheKey) ?? 'null');
		} catch {
			return null;
		}
	}
}
