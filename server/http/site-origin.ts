/**
 * The origin absolute links on public pages and RSS are built from. It is configured (ORIGIN)
 * or, by default, the address the server listens on; never a request's Host header, which any
 * client can set to make the pages link elsewhere.
 */
export class SiteOrigin {
	#value: string | null;

	constructor(configured: string | null) {
		this.#value = configured;
	}

	/** Called once the server listens; a configured origin wins. */
	listening(host: string, port: number): void {
		this.#value ??= `http://${displayHost(host)}:${port}`;
	}

	get current(): string {
		if (this.#value === null) throw new Error('SiteOrigin read before the server listened');
		return this.#value;
	}
}

function displayHost(host: string): string {
	if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
	return host.includes(':') ? `[${host}]` : host;
}
