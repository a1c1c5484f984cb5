/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

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
