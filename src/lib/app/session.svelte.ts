import * as v from 'valibot';
import { isUserId, LOCAL_USER, type UserId } from '$sync/ids';
import type { SessionInfo } from '$sync/protocol/api';
import { api, ApiRequestError } from './api';
import { describeDevice } from './device-name';

export interface Account {
	userId: UserId;
	username: string;
}

const STORAGE_KEY = 't10x:account';
const AccountSchema = v.object({
	userId: v.custom<UserId>(isUserId),
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
			body: { username, password, deviceName: describeDevice(navigator.userAgent) }
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
		return parsed.success ? parsed.output : null;
	} catch {
		return null;
	}
}

export const session = new Session();
