/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import * as v from 'valibot';
import { PushPayloadSchema, isAppPath, type PushPayload } from '$sync/protocol/push';

declare let self: ServiceWorkerGlobalScope;

// The build injects the list of every shell asset; all of it is cached on install.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every app page renders in the browser, so any navigation can be answered by the one
// prerendered shell, online or offline. Server endpoints and the server-rendered public pages
// (/@handle) are never answered from the cache.
registerRoute(
	new NavigationRoute(createHandlerBoundToURL('/shell'), {
		denylist: [/^\/api\//, /^\/sync/, /^\/healthz/, /^\/metrics/, /^\/@/]
	})
);

// The update prompt asks the waiting worker to take over.
self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Web Push: the server sends { type, title, body, url } (sync/protocol/push.ts). Chromium shows
// its own "site updated in the background" text if a push shows nothing, so a payload that does
// not parse still shows a plain notification.
const FALLBACK: PushPayload = {
	type: 'post',
	title: 'Thoughts10x',
	body: 'Something new happened.',
	url: '/'
};

self.addEventListener('push', (event) => {
	const message = readPush(event.data);
	event.waitUntil(
		self.registration.showNotification(message.title, {
			body: message.body,
			data: { url: message.url },
			// One notification per kind: a newer like replaces the previous one.
			tag: message.type,
			icon: '/icons/icon-192.png'
		})
	);
});

function readPush(data: PushMessageData | null): PushPayload {
	try {
		const parsed = v.safeParse(PushPayloadSchema, data?.json());
		return parsed.success ? parsed.output : FALLBACK;
	} catch (error) {
		console.warn('Unreadable push payload', error);
		return FALLBACK;
	}
}

// A tap opens the notification's page in the app: in an open window if there is one.
self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const url: unknown = event.notification.data?.url;
	event.waitUntil(openInApp(typeof url === 'string' && isAppPath(url) ? url : '/'));
});

async function openInApp(path: string): Promise<void> {
	const target = new URL(path, self.location.origin).href;
	const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
	const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
	if (!open) {
		await self.clients.openWindow(target);
		return;
	}
	await open.focus();
	// navigate() only works on windows this worker controls; others get a new window.
	const navigated = await open.navigate(target).catch(() => null);
	if (!navigated) await self.clients.openWindow(target);
}
