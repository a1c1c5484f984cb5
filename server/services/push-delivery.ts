/** What a notification says on a device's lock screen; `url` opens in the app when tapped. */
export interface PushMessage {
	type: 'follow' | 'like' | 'reply' | 'post';
	title: string;
	body: string;
	url: string;
}

/**
 * Sends Web Push to every device of a user that allowed it, honouring their per-type switches.
 * `deliver` returns at once: sending happens off the request path.
 */
export interface PushDelivery {
	deliver(userId: string, message: PushMessage): void;
}

export const NO_PUSH: PushDelivery = { deliver() {} };
