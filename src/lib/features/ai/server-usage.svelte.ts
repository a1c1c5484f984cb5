import { api, ApiRequestError } from '$lib/app/api';
import type { UsageReport } from '$sync/protocol/ai-run';

/** The signed-in user's server usage over the last days: read from the server when shown. */
export class ServerUsage {
	report = $state.raw<UsageReport | null>(null);
	/** Why there is no report: offline, or an error worth saying. */
	problem = $state<string | null>(null);
	isLoading = $state(false);

	constructor(private readonly days = 30) {}

	async load(): Promise<void> {
		this.isLoading = true;
		try {
			this.report = await api<UsageReport>(`/api/ai/usage?days=${this.days}`);
			this.problem = null;
		} catch (error) {
			this.problem =
				error instanceof ApiRequestError && error.code === 'network'
					? 'Offline: the server’s usage shows once it can be reached.'
					: `Could not read the server’s usage: ${error instanceof Error ? error.message : String(error)}`;
		} finally {
			this.isLoading = false;
		}
	}
}
