import { redirect } from '@sveltejs/kit';

// The service worker serves this prerendered page for every navigation; the client router then
// renders the route of the actual URL. Visiting /shell itself just goes home.
export const prerender = true;

export function load() {
	if (typeof window !== 'undefined') redirect(307, '/');
}
