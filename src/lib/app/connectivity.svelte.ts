/** Whether the browser believes it is online: a hint, corrected later by the relay's status. */
class Connectivity {
	current = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

	constructor() {
		if (typeof window === 'undefined') return;
		window.addEventListener('online', () => (this.current = true));
		window.addEventListener('offline', () => (this.current = false));
	}
}

export const connectivity = new Connectivity();
