/** Short messages for the person: errors (announced assertively) and confirmations. */
export interface Notice {
	id: number;
	kind: 'error' | 'info';
	message: string;
	action?: { label: string; run: () => void };
}

const LIFETIME_MS = 8000;

class Notices {
	#next = 1;
	items = $state<Notice[]>([]);

	show(kind: Notice['kind'], message: string, action?: Notice['action']): number {
		const id = this.#next++;
		this.items = [...this.items.filter((n) => n.kind !== kind), { id, kind, message, action }];
		setTimeout(() => this.dismiss(id), LIFETIME_MS);
		return id;
	}

	dismiss(id: number): void {
		this.items = this.items.filter((n) => n.id !== id);
	}
}

export const notices = new Notices();
