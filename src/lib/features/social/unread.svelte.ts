import { socialApi } from './social-api';

const POLL_MS = 60_000;

/** The unread notification count shown in the navigation, refreshed while signed in. */
class Unread {
	count = $state(0);
	#timer: ReturnType<typeof setInterval> | undefined;

	watch(signedIn: boolean): () => void {
		clearInterval(this.#timer);
		if (!signedIn) {
			this.count = 0;
			return () => {};
		}
		void this.refresh();
		this.#timer = setInterval(() => void this.refresh(), POLL_MS);
		return () => clearInterval(this.#timer);
	}

	async refresh(): Promise<void> {
		try {
			this.count = (await socialApi.notifications()).unread;
		} catch {
			// Offline or signed out: keep the last count; the next poll tries again.
		}
	}
}

export const unread = new Unread();
