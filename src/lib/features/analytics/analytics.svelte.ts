import { api, ApiRequestError } from '$lib/app/api';
import { connectivity } from '$lib/app/connectivity.svelte';
import { handleError } from '$lib/app/handle-error';
import { session } from '$lib/app/session.svelte';
import type { AnalyticsReport } from '$sync/protocol/analytics';

export const RANGES = [7, 30, 90] as const;
export type Range = (typeof RANGES)[number];
export type AnalyticsStatus = 'loading' | 'ready' | 'offline' | 'error';

/** The signed-in author's numbers for the chosen range, fetched from the server on demand. */
export class AuthorAnalytics {
	range = $state<Range>(30);
	report = $state.raw<AnalyticsReport | null>(null);
	status = $state<AnalyticsStatus>('loading');
	isEmpty = $derived(
		this.report !== null &&
			this.report.topPosts.length === 0 &&
			Object.values(this.report.totals).every((n) => n === 0)
	);
	/** Only the latest request may land: an older range answering late is dropped. */
	#latest = 0;

	async load(): Promise<void> {
		const ticket = ++this.#latest;
		if (!connectivity.current) {
			this.status = 'offline';
			return;
		}
		this.status = 'loading';
		try {
			const report = await api<AnalyticsReport>(`/api/analytics?days=${this.range}`);
			if (ticket !== this.#latest) return;
			this.report = report;
			this.status = 'ready';
		} catch (error) {
			if (ticket !== this.#latest) return;
			if (error instanceof ApiRequestError && error.code === 'network') {
				this.status = 'offline';
			} else if (error instanceof ApiRequestError && error.status === 401) {
				// The session ended elsewhere: the screen turns to its signed-out message.
				await session.verify();
			} else {
				this.status = 'error';
				handleError(error, 'Could not load analytics');
			}
		}
	}

	/** Loads again when the browser comes back online after a load found it offline. */
	watch(): () => void {
		const retry = () => {
			if (this.status === 'offline') void this.load();
		};
		window.addEventListener('online', retry);
		return () => window.removeEventListener('online', retry);
	}

	choose(range: Range): void {
		this.range = range;
		void this.load();
	}
}
