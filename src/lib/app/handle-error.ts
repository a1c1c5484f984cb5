import { notices } from './notices.svelte';

/** The one error funnel: log the detail for developers, tell the person what failed. */
export function handleError(error: unknown, message: string): void {
	console.error(message, error);
	const detail = error instanceof Error && error.message ? ` ${error.message}` : '';
	notices.show('error', `${message}.${detail}`);
}
