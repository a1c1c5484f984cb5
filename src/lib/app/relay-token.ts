import type { RelayToken } from '$sync/protocol/api';
import { api } from './api';

const MARGIN_MS = 30_000;
let cached: RelayToken | null = null;

/** A relay token, reused until shortly before it expires. */
export async function relayToken(): Promise<string> {
	if (!cached || cached.expiresAt - MARGIN_MS < Date.now()) {
		cached = await api<RelayToken>('/api/auth/relay-token', { method: 'POST' });
	}
	return cached.token;
}

export function forgetRelayToken(): void {
	cached = null;
}
