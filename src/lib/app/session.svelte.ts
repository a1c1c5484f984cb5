import * as v from 'valibot';
import { LOCAL_USER, type UserId } from '$sync/ids';
import type { SessionInfo } from '$sync/protocol/api';
import { api, ApiRequestError } from './api';

export interface Account {
	userId: UserId;
	username: string;
}

const STORAGE_KEY = 't10x:account';
const AccountSchema = v.object({
	userId: v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,64}$/)),
	username: v.string()
});

/**
 * Who this device writes as. Remembered in localStorage so the app opens the right replica
 * offline; the HttpOnly cookie is the actual credential, checked by the server.
 */
class Session {
	account = $state<Account | null>(readStored());
	userId = $derived((this.account?.userId ?? LOCAL_USER) as UserId);
	isSignedIn = $derived(this.account !== null);

	/** Signs in or registers; the caller moves local thoughts over before calling `adopt`. */
	async authenticate(
		mode: 'login' | 'register',
		username: string,
		password: string
	): Promise<Account> {
		const { session } = await api<{ session: SessionInfo }>(`/api/auth/${mode}`, {
			method: 'POST',
			body: { username, password, deviceName: describeDevice() }
		});
		return { userId: session.userId as UserId, username: session.username };
	}

	adopt(account: Account | null): void {
		this.account = account;
		if (account) localStorage.setItem(STORAGE_KEY, JSON.stringify(account));
		else localStorage.removeItem(STORAGE_KEY);
	}

	async signOut(): Promise<void> {
		try {
			await api('/api/auth/logout', { method: 'POST' });
		} finally {
			this.adopt(null);
		}
	}

	/** Online, asks the server whether the session still stands (revoked elsewhere, expired). */
	async verify(): Promise<void> {
		if (!this.account) return;
		try {
			const { session } = await api<{ session: SessionInfo }>('/api/auth/session');
			if (session.userId !== this.account.userId) this.adopt(null);
		} catch (error) {
			if (error instanceof ApiRequestError && error.status === 401) this.adopt(null);
		}
	}
}

function readStored(): Account | null {
	if (typeof localStorage === 'undefined') return null;
	try {
		const parsed = v.safeParse(
			AccountSchema,
			JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')
		);
		return parsed.success ? (parsed.output as Account) : null;
	} catch {
		return null;
	}
}

/** "Chrome on Linux": enough for a person to recognise the device in their list. */
function describeDevice(): string {
	const ua = navigator.userAgent;
	const browser = /Edg\//.test(ua)
		? 'Edge'
		: /Firefox\//.test(ua)
			? 'Firefox'
			: /Chrome\//.test(ua)
				? 'Chrome'
				: /Safari\//.test(ua)
					? 'Safari'
					: 'Browser';
	const os = /Android/.test(ua)
		? 'Android'
		: /iPhone|iPad/.test(ua)
			? 'iOS'
			: /Mac OS/.test(ua)
				? 'macOS'
				: /Windows/.test(ua)
					? 'Windows'
					: /Linux/.test(ua)
						? 'Linux'
						: 'unknown system';
	return `${browser} on ${os}`;
}

export const session = new Session();
