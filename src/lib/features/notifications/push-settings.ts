import { api } from '$lib/app/api';
import type { NotificationSettings, PushKey } from '$sync/protocol/push';

/** Where this device stands with Web Push. */
export type DeviceState = 'unsupported' | 'blocked' | 'off' | 'on';

/**
 * `subscribe()` never settles when the browser cannot reach its push service (no error at all:
 * notes/pwa.md §3.1), and `serviceWorker.ready` never settles without a worker (dev server).
 */
export const SUBSCRIBE_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 10_000;

/** A step on this device failed; the message says what the person can do about it. */
export class PushSetupError extends Error {}

export function isPushSupported(): boolean {
	return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export async function deviceState(): Promise<DeviceState> {
	if (!isPushSupported()) return 'unsupported';
	if (Notification.permission === 'denied') return 'blocked';
	const subscription = await currentSubscription();
	return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/** Asks for permission, subscribes with the server's key and registers this device. */
export async function enablePush(): Promise<void> {
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') {
		throw new PushSetupError(
			permission === 'denied'
				? 'Notifications are blocked for this site: allow them in the browser’s site settings.'
				: 'Notifications were not allowed.'
		);
	}
	const registration = await withTimeout(
		navigator.serviceWorker.ready,
		READY_TIMEOUT_MS,
		'The app’s service worker is not running. Reload the page and try again.'
	);
	const { publicKey } = await api<PushKey>('/api/push/key');
	const subscription = await subscribe(registration.pushManager, base64UrlToBytes(publicKey));
	await api('/api/push/subscriptions', { method: 'POST', body: subscription.toJSON() });
}

/** Unregisters this device on the server first: if that fails, nothing has changed. */
export async function disablePush(): Promise<void> {
	const subscription = await currentSubscription();
	if (!subscription) return;
	await api('/api/push/subscriptions', {
		method: 'DELETE',
		body: { endpoint: subscription.endpoint }
	});
	await subscription.unsubscribe();
}

export function loadSettings(): Promise<NotificationSettings> {
	return api<NotificationSettings>('/api/notification-settings');
}

export function saveSettings(settings: NotificationSettings): Promise<NotificationSettings> {
	return api<NotificationSettings>('/api/notification-settings', {
		method: 'PUT',
		body: settings
	});
}

async function currentSubscription(): Promise<PushSubscription | null> {
	const registration = await navigator.serviceWorker.getRegistration();
	return (await registration?.pushManager.getSubscription()) ?? null;
}

/** Reuses this device's subscription when it was made with the same server key. */
async function subscribe(manager: PushManager, key: Uint8Array<ArrayBuffer>) {
	const existing = await manager.getSubscription();
	if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing;
	await existing?.unsubscribe();
	return withTimeout(
		manager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
		SUBSCRIBE_TIMEOUT_MS,
		'The browser’s push service did not answer. Check the connection and try again.'
	);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new PushSetupError(message)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
	const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
	return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) =>
		c.charCodeAt(0)
	);
}

function sameBytes(buffer: ArrayBuffer | null, bytes: Uint8Array): boolean {
	if (!buffer || buffer.byteLength !== bytes.length) return false;
	const other = new Uint8Array(buffer);
	return bytes.every((byte, i) => byte === other[i]);
}
