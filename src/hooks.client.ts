import type { ClientInit } from '@sveltejs/kit';
import { openReplicaEarly } from '$lib/app/device-replicas';
import { session } from '$lib/app/session.svelte';

// SvelteKit runs this before it loads the root layout, which asks for the replica only once
// every module of the page has loaded: opening it here lets IndexedDB work meanwhile.
export const init: ClientInit = () => openReplicaEarly(session.userId);
